"""The schedule's pages: shoot day forms, the calendar, the conflicts page and its rules."""

from datetime import time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from shoots import services
from shoots.enums import ConflictKind, PermitStatus
from shoots.models import ConflictRule, ShootDay
from tests.factories import (
    CohortFactory,
    LocationFactory,
    ProductionFactory,
    ShootDayFactory,
    TeamMemberFactory,
)


@pytest.fixture
def desk(db):
    cohort = CohortFactory()
    production = ProductionFactory(team__cohort=cohort, title="The Last Ferry")
    member = TeamMemberFactory(team=production.team)
    return {
        "cohort": cohort,
        "production": production,
        "member": member.participant,
        "place": LocationFactory(name="Jagalchi Market"),
        "on": cohort.onsite_starts_on,
    }


def post_data(desk, **changes):
    data = {
        "location": desk["place"].pk,
        "date": desk["on"].isoformat(),
        "call_time": "08:00",
        "wrap_time": "18:00",
        "scenes": "Scene 4, market entrance",
        "schedule": "09:30 Scene 4",
        "crew": [desk["member"].pk],
        "crew_count": "6",
        "vehicle_count": "1",
        "equipment": "Two LED panels",
        "notes": "",
    }
    data.update(changes)
    return data


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Creating and editing a shoot day ------------------------------------------------------


def test_shoot_day_create_page_ticks_the_team_members(client, manager, desk):
    client.force_login(manager)

    response = client.get(reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}))

    assert response.status_code == 200
    assert response.context["form"]["crew"].value() == [desk["member"].pk]
    assert response.context["form"]["crew_count"].value() == 1
    assert "Jagalchi Market" in response.content.decode()


def test_shoot_day_create_saves_the_day_and_shows_it(client, manager, desk):
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}), post_data(desk)
    )

    day = ShootDay.objects.get(production=desk["production"])
    assert response.url == reverse("shoot_day_detail", kwargs={"pk": day.pk})
    assert (day.location, day.date, day.call_time) == (desk["place"], desk["on"], time(8, 0))
    assert list(day.crew.all()) == [desk["member"]]


def test_shoot_day_create_with_a_malformed_date_keeps_the_input_and_saves_nothing(
    client, manager, desk
):
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}),
        post_data(desk, date="1 Dec", wrap_time="25:99"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD" in page
    assert "Enter the wrap time as HH:MM" in page
    assert "Scene 4, market entrance" in page
    assert ShootDay.objects.count() == 0


def test_shoot_day_create_refuses_a_10000_character_text_and_takes_khmer(client, manager, desk):
    client.force_login(manager)
    url = reverse("shoot_day_create", kwargs={"pk": desk["production"].pk})

    too_long = client.post(url, post_data(desk, equipment="x" * 10_000))
    khmer = client.post(url, post_data(desk, notes="ថតនៅផ្សារ"))

    assert too_long.status_code == 200
    assert too_long.context["form"].errors["equipment"] == [
        "Ensure this value has at most 2000 characters (it has 10000)."
    ]
    assert khmer.status_code == 302
    assert ShootDay.objects.get().notes == "ថតនៅផ្សារ"


def test_shoot_day_create_with_a_blocking_conflict_lists_it_and_saves_nothing(
    client, manager, desk
):
    other = ShootDayFactory(location=desk["place"], date=desk["on"])
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}), post_data(desk)
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert [conflict.kind for conflict in response.context["blocking"]] == [
        ConflictKind.LOCATION_DOUBLE_BOOKED
    ]
    assert "Location booked twice" in page
    assert reverse("shoot_day_detail", kwargs={"pk": other.pk}) in page
    assert "Scene 4, market entrance" in page
    assert ShootDay.objects.filter(production=desk["production"]).count() == 0


def test_shoot_day_create_with_a_warning_saves_and_says_so(client, manager, desk):
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}),
        post_data(desk, call_time="05:00", wrap_time="23:00"),
    )

    assert response.status_code == 302
    assert texts(response)[0].startswith("Crew day over 12 hours: This day runs 18.0 hours")
    assert ShootDay.objects.filter(production=desk["production"]).count() == 1


def test_shoot_day_create_is_refused_to_logistics(client, logistics, desk):
    client.force_login(logistics)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}), post_data(desk)
    )

    assert response.status_code == 403
    assert ShootDay.objects.count() == 0


def test_shoot_day_edit_shows_the_current_conflicts_and_saves_a_change(
    client, permits_officer, desk
):
    day = ShootDayFactory(production=desk["production"], location=desk["place"], call_time=time(5))
    client.force_login(permits_officer)
    url = reverse("shoot_day_edit", kwargs={"pk": day.pk})

    page = client.get(url)
    saved = client.post(url, post_data(desk, call_time="09:00"))

    assert [conflict.kind for conflict in page.context["current"]] == [ConflictKind.LONG_DAY]
    assert "This day runs 13.0 hours" in page.content.decode()
    day.refresh_from_db()
    assert (saved.status_code, day.call_time, day.sequence) == (302, time(9), 1)


def test_shoot_day_edit_refused_by_a_conflict_leaves_the_day_as_it_was(client, manager, desk):
    day = ShootDayFactory(production=desk["production"], location=desk["place"])
    busy = LocationFactory(name="Gamcheon Culture Village")
    ShootDayFactory(location=busy, date=desk["on"])
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_edit", kwargs={"pk": day.pk}), post_data(desk, location=busy.pk)
    )

    day.refresh_from_db()
    assert response.status_code == 200
    assert "Gamcheon Culture Village is booked by" in response.content.decode()
    assert (day.location, day.sequence) == (desk["place"], 0)


# The shoot day's page, and deleting it -------------------------------------------------


def test_shoot_day_detail_shows_permits_and_is_ready_only_when_they_are_approved(
    client, logistics, desk, manager
):
    day, _ = services.shoot_day_save(
        production=desk["production"],
        fields={
            "location": desk["place"],
            "date": desk["on"],
            "call_time": time(8),
            "wrap_time": time(2),
        },
        crew=[],
        by=manager,
    )
    client.force_login(logistics)
    url = reverse("shoot_day_detail", kwargs={"pk": day.pk})

    pending = client.get(url).content.decode()
    day.permits.update(status=PermitStatus.APPROVED)
    approved = client.get(url).content.decode()

    permit = day.permits.get()
    assert "Not ready: permits pending" in pending
    assert reverse("permit_detail", kwargs={"pk": permit.pk}) in pending
    assert str(permit.authority) in pending
    assert "08:00\N{EN DASH}02:00" in pending
    assert "Not ready" not in approved
    assert ">Ready<" in approved
    # Logistics read the day but neither edit it nor file permits.
    assert reverse("shoot_day_edit", kwargs={"pk": day.pk}) not in approved
    assert reverse("permit_create", kwargs={"pk": day.pk}) not in approved


def test_shoot_day_delete_removes_the_day(client, manager, desk):
    day = ShootDayFactory(production=desk["production"])
    client.force_login(manager)

    response = client.post(reverse("shoot_day_delete", kwargs={"pk": day.pk}))

    assert response.url.startswith(reverse("schedule", kwargs={"slug": desk["cohort"].slug}))
    assert ShootDay.objects.count() == 0


def test_shoot_day_delete_with_an_approved_permit_is_refused_with_a_message(client, manager, desk):
    day = ShootDayFactory(production=desk["production"])
    day.permits.create(
        authority=day.location.authority, status=PermitStatus.APPROVED, due_on=desk["on"]
    )
    client.force_login(manager)

    response = client.post(reverse("shoot_day_delete", kwargs={"pk": day.pk}))

    assert response.url == reverse("shoot_day_detail", kwargs={"pk": day.pk})
    assert texts(response) == [
        "This shoot day has approved permits: cancel them with the authority first."
    ]
    assert ShootDay.objects.count() == 1


def test_shoot_day_delete_is_refused_to_logistics(client, logistics, desk):
    day = ShootDayFactory(production=desk["production"])
    client.force_login(logistics)

    response = client.post(reverse("shoot_day_delete", kwargs={"pk": day.pk}))

    assert response.status_code == 403
    assert ShootDay.objects.count() == 1


# The calendar ----------------------------------------------------------------------------


def schedule_url(desk, **query):
    url = reverse("schedule", kwargs={"slug": desk["cohort"].slug})
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def shown(response):
    return [day.pk for cell in response.context["listed"] for day in cell.shoot_days]


def test_schedule_opens_on_the_week_of_the_on_site_start(client, logistics, desk):
    day = ShootDayFactory(production=desk["production"], call_time=time(20), wrap_time=time(3))
    client.force_login(logistics)

    response = client.get(schedule_url(desk))

    page = response.content.decode()
    assert response.context["view"] == "week"
    assert response.context["first"] == desk["on"] - timedelta(days=desk["on"].weekday())
    assert shown(response) == [day.pk]
    assert "The Last Ferry" in page
    assert "+1</abbr>" in page


def test_schedule_moves_by_week_and_month(client, logistics, desk):
    later = desk["on"] + timedelta(days=7)
    ShootDayFactory(production=desk["production"], date=later)
    client.force_login(logistics)

    week = client.get(schedule_url(desk, on=desk["on"].isoformat()))
    base = reverse("schedule", kwargs={"slug": desk["cohort"].slug})
    following = client.get(base + week.context["following"])
    month = client.get(schedule_url(desk, view="month", on=desk["on"].isoformat()))

    assert shown(week) == []
    assert len(shown(following)) == 1
    assert month.context["first"] == desk["on"].replace(day=1)
    assert len(month.context["weeks"][0]) == 7


def test_schedule_filters_by_production_and_by_location(client, logistics, desk):
    mine = ShootDayFactory(production=desk["production"], location=desk["place"])
    theirs = ShootDayFactory(production=ProductionFactory(team__cohort=desk["cohort"]))
    client.force_login(logistics)
    on = desk["on"].isoformat()

    by_production = client.get(schedule_url(desk, on=on, production=desk["production"].pk))
    by_location = client.get(schedule_url(desk, on=on, location=theirs.location.pk))
    everything = client.get(schedule_url(desk, on=on))

    assert shown(by_production) == [mine.pk]
    assert shown(by_location) == [theirs.pk]
    assert sorted(shown(everything)) == sorted([mine.pk, theirs.pk])


def test_schedule_with_a_malformed_date_falls_back_with_a_message(client, logistics, desk):
    ShootDayFactory(production=desk["production"])
    client.force_login(logistics)

    response = client.get(schedule_url(desk, on="2026-13-45", production="nope"))

    assert response.status_code == 200
    assert texts(response) == [
        "“2026-13-45” is not a date of the form YYYY-MM-DD. No such Production: “nope”."
    ]
    assert len(shown(response)) == 1


def test_schedule_marks_conflicts_on_the_calendar(client, logistics, desk):
    ShootDayFactory(production=desk["production"], location=desk["place"])
    ShootDayFactory(
        production=ProductionFactory(team__cohort=desk["cohort"]), location=desk["place"]
    )
    client.force_login(logistics)

    response = client.get(schedule_url(desk))

    assert [day.mark for cell in response.context["listed"] for day in cell.shoot_days] == [
        "block",
        "block",
    ]


def test_schedule_is_refused_to_a_reviewer(client, reviewer, desk):
    client.force_login(reviewer)

    assert client.get(schedule_url(desk)).status_code == 403


def many_days(desk, rows):
    for n in range(rows):
        day = ShootDayFactory(
            production=ProductionFactory(team__cohort=desk["cohort"]),
            date=desk["on"] + timedelta(days=n % 2),
            # Each day runs 14 hours: each has a conflict to show.
            call_time=time(5),
            wrap_time=time(19),
        )
        day.crew.add(desk["member"])
        day.permits.create(authority=day.location.authority, due_on=desk["on"])


@pytest.mark.parametrize("rows", [1, 3])
def test_schedule_query_count_is_constant(client, logistics, desk, django_assert_num_queries, rows):
    many_days(desk, rows)
    client.force_login(logistics)

    with django_assert_num_queries(18):
        response = client.get(schedule_url(desk, view="month", on=desk["on"].isoformat()))

    assert len(shown(response)) == rows


# Conflicts -------------------------------------------------------------------------------


def test_conflict_list_groups_conflicts_by_shoot_day(client, logistics, desk):
    first = ShootDayFactory(production=desk["production"], location=desk["place"])
    second = ShootDayFactory(
        production=ProductionFactory(team__cohort=desk["cohort"]), location=desk["place"]
    )
    client.force_login(logistics)

    response = client.get(reverse("conflict_list", kwargs={"slug": desk["cohort"].slug}))

    groups = response.context["groups"]
    assert [group.shoot_day.pk for group in groups] == [first.pk, second.pk]
    assert [len(group.conflicts) for group in groups] == [1, 1]
    assert "Jagalchi Market is booked by" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_conflict_list_query_count_is_constant(
    client, logistics, desk, django_assert_num_queries, rows
):
    many_days(desk, rows)
    client.force_login(logistics)

    with django_assert_num_queries(12):
        response = client.get(reverse("conflict_list", kwargs={"slug": desk["cohort"].slug}))

    assert len(response.context["groups"]) == rows


def test_conflict_rules_post_sets_the_rules(client, manager, desk):
    client.force_login(manager)
    data = {kind.value: "warn" for kind in ConflictKind}

    response = client.post(reverse("conflict_rules", kwargs={"slug": desk["cohort"].slug}), data)

    assert response.url == reverse("conflict_list", kwargs={"slug": desk["cohort"].slug})
    assert set(ConflictRule.actions_for(desk["cohort"]).values()) == {"warn"}


def test_conflict_rules_post_with_an_unknown_action_changes_nothing(client, manager, desk):
    client.force_login(manager)
    data = {kind.value: "warn" for kind in ConflictKind} | {"long_day": "ignore"}

    response = client.post(reverse("conflict_rules", kwargs={"slug": desk["cohort"].slug}), data)

    assert texts(response) == ["Select a valid choice. ignore is not one of the available choices."]
    assert ConflictRule.objects.count() == 0


def test_conflict_rules_post_is_refused_to_logistics(client, logistics, desk):
    client.force_login(logistics)
    data = {kind.value: "warn" for kind in ConflictKind}

    response = client.post(reverse("conflict_rules", kwargs={"slug": desk["cohort"].slug}), data)

    assert response.status_code == 403
    assert ConflictRule.objects.count() == 0


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01"])
def test_shoot_day_create_at_the_ends_of_the_calendar_is_refused_not_a_crash(
    client, manager, desk, on
):
    client.force_login(manager)

    response = client.post(
        reverse("shoot_day_create", kwargs={"pk": desk["production"].pk}),
        post_data(desk, date=on, call_time="20:00", wrap_time="02:00"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert "Scene 4, market entrance" in response.content.decode()
    assert ShootDay.objects.count() == 0


@pytest.mark.parametrize("view", ["week", "month"])
@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01"])
def test_schedule_at_the_ends_of_the_calendar_falls_back_with_a_message(
    client, logistics, desk, view, on
):
    client.force_login(logistics)

    response = client.get(schedule_url(desk, view=view, on=on))

    assert response.status_code == 200
    assert response.context["first"] <= desk["on"]
    assert [str(m) for m in get_messages(response.wsgi_request)]
