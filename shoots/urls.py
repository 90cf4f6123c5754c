from django.urls import path

from .views import (
    calendars,
    call_sheets,
    locations,
    permits,
    schedule,
    support,
    support_import,
    teams,
)

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
    # Logistics support: the coordinator's board, travel, rooms and budget
    path("desk/cohorts/<slug:slug>/support/", support.support_board, name="support_board"),
    path("desk/cohorts/<slug:slug>/support/new/", support.support_create, name="support_create"),
    path("desk/cohorts/<slug:slug>/travel/", support.travel_board, name="travel_board"),
    path("desk/cohorts/<slug:slug>/rooms/", support.room_board, name="room_board"),
    path("desk/cohorts/<slug:slug>/budget/", support.budget, name="budget"),
    path("desk/support/<int:pk>/", support.support_detail, name="support_detail"),
    path("desk/support/<int:pk>/state/", support.support_transition, name="support_transition"),
    path(
        "desk/support/<int:pk>/attachments/",
        support.support_attachment_add,
        name="support_attachment_add",
    ),
    path("support-attachments/<int:pk>/", support.support_attachment, name="support_attachment"),
    path(
        "desk/support-attachments/<int:pk>/delete/",
        support.support_attachment_delete,
        name="support_attachment_delete",
    ),
    # A participant's travel and the support they asked for
    path("me/travel/", support.my_travel, name="my_travel"),
    path("me/travel/request/", support.my_support_request, name="my_support_request"),
    path("me/support/<int:pk>/withdraw/", support.my_support_withdraw, name="my_support_withdraw"),
    # Importing flights and rooms from a workbook (appended by the import work)
    path(
        "desk/cohorts/<slug:slug>/support/import/",
        support_import.support_import,
        name="support_import",
    ),
    path(
        "desk/cohorts/<slug:slug>/support/import/template.xlsx",
        support_import.support_import_template,
        name="support_import_template",
    ),
]

# The desk's lists in Excel, filtered as on their pages
urlpatterns += [
    path(
        "desk/cohorts/<slug:slug>/schedule/export.xlsx",
        schedule.schedule_export,
        name="schedule_export",
    ),
    path(
        "desk/cohorts/<slug:slug>/permits/export.xlsx",
        permits.permit_export,
        name="permit_export",
    ),
    path(
        "desk/cohorts/<slug:slug>/support/export.xlsx",
        support.support_export,
        name="support_export",
    ),
]
