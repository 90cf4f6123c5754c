"""Two bookings at the same moment never double-book a place or a person.

Each thread has its own database connection, as two app servers would, on PostgreSQL (row locks)
and on SQLite (IMMEDIATE transactions: the second writer waits, then sees the first's booking).
"""

from datetime import time

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse

from commission.roles import PERMITS_OFFICER, sync_role_groups
from shoots.models import Permit, ShootDay
from shoots.services import ScheduleConflict, ShootError, permit_create, shoot_day_save
from tests.applicants.test_offer_concurrency import at_once
from tests.factories import (
    AuthorityFactory,
    LocationFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    TeamMemberFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


def booking(production, location, crew=(), call=time(8), wrap=time(18)):
    fields = {
        "location": location,
        "date": production.team.cohort.onsite_starts_on,
        "call_time": call,
        "wrap_time": wrap,
    }

    def book():
        try:
            shoot_day_save(production=production, fields=fields, crew=crew, by=None)
            return "booked"
        except ScheduleConflict as refusal:
            return refusal.conflicts[0].kind

    return book


def test_one_place_booked_twice_at_once_by_two_teams_of_a_cohort_keeps_one_booking():
    first = ProductionFactory()
    second = ProductionFactory(team__cohort=first.team.cohort)
    market = LocationFactory(allows_shared_use=False)

    results = at_once(booking(first, market), booking(second, market, call=time(12), wrap=time(20)))

    assert sorted(results) == ["booked", "location_double_booked"]
    assert ShootDay.objects.filter(location=market).count() == 1


def test_one_place_booked_at_once_by_two_cohorts_keeps_one_booking():
    first = ProductionFactory()
    second = ProductionFactory(
        team__cohort__onsite_starts_on=first.team.cohort.onsite_starts_on,
        team__cohort__age_reference_date=first.team.cohort.age_reference_date,
    )
    bridge = LocationFactory(allows_shared_use=False)

    results = at_once(booking(first, bridge), booking(second, bridge))

    assert sorted(results) == ["booked", "location_double_booked"]
    assert ShootDay.objects.filter(location=bridge).count() == 1


def test_one_person_put_on_two_teams_days_at_once_is_booked_once():
    first = ProductionFactory()
    second = ProductionFactory(team__cohort=first.team.cohort)
    person = TeamMemberFactory(team=first.team).participant

    results = at_once(
        booking(first, LocationFactory(), crew=[person]),
        booking(second, LocationFactory(), crew=[person]),
    )

    assert sorted(results) == ["booked", "person_double_booked"]
    assert ShootDay.objects.filter(crew=person).count() == 1


def test_one_permit_filed_twice_at_once_for_a_day_and_authority_is_stored_once():
    day = ShootDayFactory()
    police = AuthorityFactory(kind="police")

    def file():
        try:
            permit_create(shoot_day=day, authority=police, fields={}, by=None)
            return "filed"
        except ShootError:
            return "refused"

    results = at_once(file, file)

    assert sorted(results) == ["filed", "refused"]
    assert Permit.objects.filter(shoot_day=day, authority=police).count() == 1


def test_two_officers_booking_one_place_through_the_web_at_once_get_one_booking():
    sync_role_groups(django_apps)  # flushed away by the transactional test before this one
    first = ProductionFactory()
    second = ProductionFactory(team__cohort=first.team.cohort)
    market = LocationFactory(allows_shared_use=False)
    posts = []
    for production in (first, second):
        client = Client()
        client.force_login(StaffFactory(role=PERMITS_OFFICER))
        url = reverse("shoot_day_create", kwargs={"pk": production.pk})
        data = {
            "location": market.pk,
            "date": first.team.cohort.onsite_starts_on.isoformat(),
            "call_time": "08:00",
            "wrap_time": "18:00",
            "crew_count": "4",
            "vehicle_count": "1",
        }
        posts.append(lambda client=client, url=url, data=data: client.post(url, data))

    responses = at_once(*posts)

    # One is saved and sent on to its page; the other is shown its form with the conflict.
    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "is booked by" in refused.content.decode()
    assert ShootDay.objects.filter(location=market).count() == 1
