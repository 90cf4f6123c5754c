from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from icalendar import Calendar

from shoots.models import CalendarFeed
from shoots.services import feed_create, feed_revoke, shoot_day_save
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ParticipantFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")


def read(client, feed):
    response = client.get(reverse("feed", kwargs={"token": feed.token}))
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def uids(calendar):
    return sorted(str(event["uid"]) for event in calendar.events)


def uid(day):
    return f"shoot-day-{day.pk}@film-incubator-desk"


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The feed itself ---------------------------------------------------------------------------


def test_feed_of_a_production_parses_as_a_korea_time_calendar_of_its_days(client, manager):
    production = ProductionFactory(title="The Last Ferry", team__cohort__name="FLY 2026 Busan")
    days = ShootDayFactory.create_batch(2, production=production)
    ShootDayFactory()  # another production's day
    feed = feed_create(kind="production", subject=production, by=manager)

    response, calendar = read(client, feed)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=300"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"]) == "-//Busan Film Commission//Film Incubator Desk//EN"
    assert str(calendar["x-wr-calname"]) == "FLY 2026 Busan · The Last Ferry"
    assert str(calendar["x-wr-timezone"]) == "Asia/Seoul"
    assert [zone.tz_name for zone in calendar.timezones] == ["Asia/Seoul"]
    assert calendar.get_missing_tzids() == set()
    assert uids(calendar) == sorted(uid(day) for day in days)


def test_feed_event_names_the_place_the_time_and_the_call_sheet(client, manager):
    location = LocationFactory(
        name="Gamcheon Culture Village",
        address="203 Gamnae 2-ro, Saha-gu",
        latitude="35.097500",
        longitude="129.010600",
    )
    day = ShootDayFactory(
        production__title="The Last Ferry",
        location=location,
        call_time=time(7, 30),
        wrap_time=time(19, 0),
        scenes="4, 5 and 9",
        crew_count=8,
    )
    feed = feed_create(kind="production", subject=day.production, by=manager)

    _response, calendar = read(client, feed)
    event = calendar.events[0]

    call_sheet = f"http://testserver/shoot-days/{day.pk}/call-sheet/"
    assert str(event["summary"]) == "The Last Ferry · Gamcheon Culture Village"
    assert str(event["location"]) == "Gamcheon Culture Village, 203 Gamnae 2-ro, Saha-gu"
    assert event["geo"].to_ical() == "35.0975;129.0106"
    assert event.start == datetime.combine(day.date, time(7, 30), tzinfo=SEOUL)
    assert event.start.tzinfo == SEOUL
    assert event.end == datetime.combine(day.date, time(19, 0), tzinfo=SEOUL)
    assert str(event["url"]) == call_sheet
    assert str(event["description"]) == (
        f"Call 07:30, wrap 19:00\nScenes: 4, 5 and 9\nCrew on set: 8\nCall sheet: {call_sheet}"
    )
    assert event["sequence"] == 0
    assert event["dtstamp"].dt == day.updated_at.replace(microsecond=0)
    assert event["last-modified"].dt == day.updated_at.replace(microsecond=0)


def test_feed_event_of_a_night_shoot_ends_the_next_morning(client, manager):
    day = ShootDayFactory(call_time=time(20, 0), wrap_time=time(4, 0))
    feed = feed_create(kind="production", subject=day.production, by=manager)

    _response, calendar = read(client, feed)
    event = calendar.events[0]

    assert event.start == datetime.combine(day.date, time(20, 0), tzinfo=SEOUL)
    assert event.end == datetime.combine(day.date + timedelta(days=1), time(4, 0), tzinfo=SEOUL)
    assert str(event["description"]).startswith("Call 20:00, wrap 04:00 the next morning\n")


def test_feed_event_keeps_its_uid_and_raises_its_sequence_when_the_day_changes(
    client, manager, permits_officer
):
    day = ShootDayFactory()
    feed = feed_create(kind="production", subject=day.production, by=manager)
    _response, before = read(client, feed)
    fields = {
        "location": day.location,
        "date": day.date,
        "call_time": time(9, 0),
        "wrap_time": time(17, 0),
        "scenes": "12",
        "schedule": "",
        "crew_count": 5,
        "vehicle_count": 1,
        "equipment": "",
        "notes": "",
    }

    shoot_day_save(
        production=day.production, fields=fields, crew=[], by=permits_officer, shoot_day=day
    )
    shoot_day_save(
        production=day.production,
        fields={**fields, "call_time": time(10, 0)},
        crew=[],
        by=permits_officer,
        shoot_day=day,
    )
    _response, after = read(client, feed)

    assert uids(before) == uids(after) == [uid(day)]
    assert before.events[0]["sequence"] == 0
    assert after.events[0]["sequence"] == 2
    assert after.events[0].start == datetime.combine(day.date, time(10, 0), tzinfo=SEOUL)


def test_feed_of_a_cohort_shows_every_team_and_no_other_cohort(client, manager):
    cohort = CohortFactory(name="FLY 2026 Busan")
    first = ShootDayFactory(production__team__cohort=cohort)
    second = ShootDayFactory(production__team__cohort=cohort)
    ShootDayFactory()
    feed = feed_create(kind="cohort", subject=cohort, by=manager)

    _response, calendar = read(client, feed)

    assert str(calendar["x-wr-calname"]) == "FLY 2026 Busan"
    assert uids(calendar) == sorted([uid(first), uid(second)])


def test_feed_of_a_location_shows_every_production_filming_there(client, manager):
    location = LocationFactory(name="Haeundae Beach")
    here = ShootDayFactory.create_batch(2, location=location)
    ShootDayFactory()
    feed = feed_create(kind="location", subject=location, by=manager)

    _response, calendar = read(client, feed)

    assert str(calendar["x-wr-calname"]) == "Shoot days at Haeundae Beach"
    assert uids(calendar) == sorted(uid(day) for day in here)


def test_feed_of_a_participant_shows_their_team_and_crew_days_only(client):
    member = TeamMemberFactory()
    participant = member.participant
    team_day = ShootDayFactory(production__team=member.team)
    other_team = ProductionFactory(team__cohort=member.team.cohort)
    crew_day = ShootDayFactory(production=other_team)
    crew_day.crew.add(participant)
    ShootDayFactory(production=other_team)  # the other team's day without them
    feed = feed_create(kind="participant", subject=participant, by=participant.user)

    _response, calendar = read(client, feed)

    assert uids(calendar) == sorted([uid(team_day), uid(crew_day)])


def test_feed_of_an_empty_schedule_is_a_calendar_without_events(client, manager):
    production = ProductionFactory()
    feed = feed_create(kind="production", subject=production, by=manager)

    _response, calendar = read(client, feed)

    assert calendar.events == []


def test_feed_revoked_or_unknown_is_not_found(client, manager):
    day = ShootDayFactory()
    feed = feed_create(kind="production", subject=day.production, by=manager)
    feed_revoke(feed=feed, by=manager)

    assert client.get(reverse("feed", kwargs={"token": feed.token})).status_code == 404
    assert client.get(reverse("feed", kwargs={"token": "not-a-token"})).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_feed_query_count_is_the_same_for_1_and_3_days(
    client, manager, django_assert_num_queries, count
):
    production = ProductionFactory()
    ShootDayFactory.create_batch(count, production=production)
    feed = feed_create(kind="production", subject=production, by=manager)

    with django_assert_num_queries(4):
        _response, calendar = read(client, feed)

    assert len(calendar.events) == count


# Staff: the list, making and revoking feeds -----------------------------------------------


def test_feed_list_shows_each_live_feed_with_its_address(client, manager):
    day = ShootDayFactory(production__title="The Last Ferry")
    live = feed_create(kind="production", subject=day.production, by=manager)
    revoked = feed_create(kind="location", subject=day.location, by=manager)
    feed_revoke(feed=revoked, by=manager)
    client.force_login(manager)

    response = client.get(reverse("feed_list"))

    assert response.status_code == 200
    assert [feed.pk for feed in response.context["feeds"]] == [live.pk]
    page = response.content.decode()
    assert f'value="http://testserver/calendars/{live.token}.ics"' in page
    assert revoked.token not in page
    assert "The Last Ferry" in page
    assert reverse("feed_revoke", kwargs={"pk": live.pk}) in page


def test_feed_list_keeps_a_participants_address_to_them(client, manager):
    participant = ParticipantFactory()
    feed = feed_create(kind="participant", subject=participant, by=participant.user)
    client.force_login(manager)

    page = client.get(reverse("feed_list")).content.decode()

    assert feed.token not in page
    assert reverse("feed_revoke", kwargs={"pk": feed.pk}) in page


def test_feed_list_for_logistics_has_no_revoke_or_create_forms(client, manager, logistics):
    day = ShootDayFactory()
    feed = feed_create(kind="production", subject=day.production, by=manager)
    client.force_login(logistics)

    page = client.get(reverse("feed_list")).content.decode()

    assert feed.token in page
    assert reverse("feed_revoke", kwargs={"pk": feed.pk}) not in page
    assert reverse("feed_create") not in page


@pytest.mark.parametrize("count", [1, 3])
def test_feed_list_query_count_is_the_same_for_1_and_3_feeds(
    client, manager, django_assert_num_queries, count
):
    for _index in range(count):
        feed_create(kind="production", subject=ShootDayFactory().production, by=manager)
    participant = ParticipantFactory()
    feed_create(kind="participant", subject=participant, by=participant.user)
    client.force_login(manager)

    with django_assert_num_queries(6):
        response = client.get(reverse("feed_list"))

    assert len(response.context["feeds"]) == count + 1


def test_feed_create_makes_a_production_feed_and_goes_back_to_the_page(client, manager):
    production = ProductionFactory(title="The Last Ferry")
    client.force_login(manager)
    back = reverse("production_edit", kwargs={"pk": production.pk})

    response = client.post(
        reverse("feed_create"), {"kind": "production", "object": production.pk, "next": back}
    )

    feed = CalendarFeed.objects.get()
    assert (feed.kind, feed.production, feed.created_by) == ("production", production, manager)
    assert response.status_code == 302
    assert response["Location"] == back
    assert texts(response) == [
        f"The calendar feed of The Last Ferry is at http://testserver/calendars/{feed.token}.ics."
        " Anyone with this address can read the calendar: give it only to the people it is for."
    ]


def test_feed_create_of_a_cohort_goes_to_the_list_when_next_is_another_site(client, manager):
    cohort = CohortFactory()
    client.force_login(manager)

    response = client.post(
        reverse("feed_create"),
        {"kind": "cohort", "object": cohort.pk, "next": "https://evil.example/phish"},
    )

    assert response["Location"] == reverse("feed_list")
    assert CalendarFeed.objects.get().cohort == cohort


def test_feed_create_refuses_a_kind_without_a_matching_object(client, manager):
    production = ProductionFactory()  # and no location at all
    client.force_login(manager)

    as_location = client.post(reverse("feed_create"), {"kind": "location", "object": production.pk})
    unknown = client.post(
        reverse("feed_create"), {"kind": "production", "object": production.pk + 1}
    )

    assert (as_location.status_code, unknown.status_code) == (404, 404)
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "participant", "object": "1"},
        {"kind": "cohort", "object": "first"},
        {"kind": "", "object": ""},
        {"kind": "cohort", "object": "9" * 30},
    ],
)
def test_feed_create_refuses_a_bad_kind_or_object_with_a_message(client, manager, data):
    ParticipantFactory()
    client.force_login(manager)

    response = client.post(reverse("feed_create"), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("feed_list")
    assert len(texts(response)) == 1
    assert not CalendarFeed.objects.exists()


def test_feed_create_is_refused_to_logistics(client, logistics):
    cohort = CohortFactory()
    client.force_login(logistics)

    response = client.post(reverse("feed_create"), {"kind": "cohort", "object": cohort.pk})

    assert response.status_code == 403
    assert not CalendarFeed.objects.exists()


def test_feed_revoke_ends_the_address(client, manager, permits_officer):
    day = ShootDayFactory()
    feed = feed_create(kind="location", subject=day.location, by=manager)
    client.force_login(permits_officer)

    response = client.post(reverse("feed_revoke", kwargs={"pk": feed.pk}))

    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert response["Location"] == reverse("feed_list")
    assert client.get(reverse("feed", kwargs={"token": feed.token})).status_code == 404


def test_feed_revoke_is_refused_to_logistics(client, manager, logistics):
    feed = feed_create(kind="production", subject=ProductionFactory(), by=manager)
    client.force_login(logistics)

    response = client.post(reverse("feed_revoke", kwargs={"pk": feed.pk}))

    feed.refresh_from_db()
    assert response.status_code == 403
    assert feed.revoked_at is None


# A participant's own feed -----------------------------------------------------------------


def test_my_feed_makes_the_participants_link(client):
    member = TeamMemberFactory()
    day = ShootDayFactory(production__team=member.team)
    client.force_login(member.participant.user)

    response = client.post(reverse("my_feed"))

    feed = CalendarFeed.objects.get()
    assert (feed.kind, feed.participant) == ("participant", member.participant)
    assert response["Location"] == reverse("my_team")
    assert texts(response) == [
        f"Your calendar link is ready: http://testserver/calendars/{feed.token}.ics."
        " Add it to your calendar app as a subscription."
    ]
    _response, calendar = read(client, feed)
    assert uids(calendar) == [uid(day)]


def test_my_feed_again_replaces_the_link_and_the_old_one_stops_working(client):
    member = TeamMemberFactory()
    client.force_login(member.participant.user)
    client.post(reverse("my_feed"))
    old = CalendarFeed.objects.get()

    response = client.post(reverse("my_feed"))

    new = CalendarFeed.objects.get(revoked_at__isnull=True)
    assert new.pk != old.pk
    assert client.get(reverse("feed", kwargs={"token": old.token})).status_code == 404
    assert client.get(reverse("feed", kwargs={"token": new.token})).status_code == 200
    assert texts(response)[-1].startswith(
        "Your calendar link is replaced: the old link no longer works."
    )


def test_my_feed_follows_the_latest_cohort(client):
    # Made first, so a pick by creation order would take the other seat.
    later_cohort = CohortFactory()
    earlier = ParticipantFactory(application__cohort=CohortFactory())
    later_cohort.onsite_starts_on = earlier.cohort.onsite_starts_on + timedelta(days=365)
    later_cohort.onsite_ends_on = later_cohort.onsite_starts_on + timedelta(days=14)
    later_cohort.save()
    later = ParticipantFactory(
        application__applicant=earlier.user, application__cohort=later_cohort
    )
    client.force_login(earlier.user)

    client.post(reverse("my_feed"))

    assert CalendarFeed.objects.get().participant == later


def test_my_feed_is_not_found_for_an_applicant_without_a_seat(client, applicant):
    client.force_login(applicant)

    assert client.post(reverse("my_feed")).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_my_feed_is_forbidden_to_staff(client):
    client.force_login(StaffFactory())

    assert client.post(reverse("my_feed")).status_code == 403
    assert not CalendarFeed.objects.exists()
