from django.urls import path

from .views import calendars, call_sheets, locations, permits, schedule, teams

urlpatterns = [
    # The Busan location library
    path("desk/locations/", locations.location_list, name="location_list"),
    path("desk/locations/<slug:slug>/", locations.location_detail, name="location_detail"),
    path(
        "desk/locations/<slug:slug>/photos/",
        locations.location_photo_add,
        name="location_photo_add",
    ),
    path("desk/location-photos/<int:pk>/", locations.location_photo, name="location_photo"),
    path(
        "desk/location-photos/<int:pk>/delete/",
        locations.location_photo_delete,
        name="location_photo_delete",
    ),
    # Teams and productions
    path("desk/cohorts/<slug:slug>/teams/", teams.team_board, name="team_board"),
    path("desk/teams/<int:pk>/", teams.team_detail, name="team_detail"),
    path("desk/teams/<int:pk>/edit/", teams.team_edit, name="team_edit"),
    path("desk/productions/<int:pk>/edit/", teams.production_edit, name="production_edit"),
    path("me/team/", teams.my_team, name="my_team"),
    # Shoot days, the calendar and its conflicts
    path("desk/cohorts/<slug:slug>/schedule/", schedule.schedule, name="schedule"),
    path(
        "desk/productions/<int:pk>/shoot-days/new/",
        schedule.shoot_day_create,
        name="shoot_day_create",
    ),
    path("desk/shoot-days/<int:pk>/", schedule.shoot_day_detail, name="shoot_day_detail"),
    path("desk/shoot-days/<int:pk>/edit/", schedule.shoot_day_edit, name="shoot_day_edit"),
    path("desk/shoot-days/<int:pk>/delete/", schedule.shoot_day_delete, name="shoot_day_delete"),
    path("desk/cohorts/<slug:slug>/conflicts/", schedule.conflict_list, name="conflict_list"),
    path(
        "desk/cohorts/<slug:slug>/conflicts/rules/", schedule.conflict_rules, name="conflict_rules"
    ),
    # Permits
    path("desk/cohorts/<slug:slug>/permits/", permits.permit_list, name="permit_list"),
    path("desk/shoot-days/<int:pk>/permits/new/", permits.permit_create, name="permit_create"),
    path("desk/permits/<int:pk>/", permits.permit_detail, name="permit_detail"),
    path("desk/permits/<int:pk>/status/", permits.permit_transition, name="permit_transition"),
    path("desk/permits/<int:pk>/insurance/", permits.permit_insurance, name="permit_insurance"),
    # Call sheets: staff and the day's crew
    path("shoot-days/<int:pk>/call-sheet/", call_sheets.call_sheet, name="call_sheet"),
    # Calendar feeds at secret addresses
    path("desk/calendars/", calendars.feed_list, name="feed_list"),
    path("desk/calendars/new/", calendars.feed_create, name="feed_create"),
    path("desk/calendars/<int:pk>/revoke/", calendars.feed_revoke, name="feed_revoke"),
    path("me/calendar/", calendars.my_feed, name="my_feed"),
    path("calendars/<str:token>.ics", calendars.feed, name="feed"),
]
