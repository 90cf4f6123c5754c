"""Declines and expiries at the same moment never hand one seat twice.

Each thread has its own database connection, as two app servers would: PostgreSQL's row locks
order them; on SQLite, IMMEDIATE transactions queue one writer behind the other (without them
the second writer fails with "database is locked").
"""

import threading
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applicants.enums import ApplicationStatus as S
from applicants.models import Application, AuditEntry, OutboxMessage
from applicants.services import offer_decline, offers_expire
from tests.factories import ApplicationFactory, CohortFactory, CountryFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
]

HOLDS_A_SEAT = [S.ACCEPTED, S.OFFER_ACCEPTED]


def at_once(*calls):
    """Run each call in its own thread and connection, all released by one barrier."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=10)
            results.append(call())
        except Exception as error:  # reported by the asserts below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    return results


@pytest.fixture
def country():
    return CountryFactory()


@pytest.fixture
def cohort(country):
    return CohortFactory(
        seats_per_country=2,
        eligible_countries=[country],
        decisions_released_at=timezone.now() - timedelta(days=1),
    )


def offer(cohort, country, expires_in=timedelta(days=5)):
    return ApplicationFactory(
        cohort=cohort,
        status=S.ACCEPTED,
        offer_expires_at=timezone.now() + expires_in,
        applicant__profile__nationality=country,
    )


@pytest.fixture
def waitlist(cohort, country):
    """Four on the country's waitlist, made out of order so pk order is not place order."""
    made = {
        place: ApplicationFactory(
            cohort=cohort,
            status=S.WAITLISTED,
            waitlist_position=place,
            applicant__profile__nationality=country,
        )
        for place in (3, 1, 4, 2)
    }
    return [made[place] for place in (1, 2, 3, 4)]


@pytest.fixture
def thai_waitlist(cohort):
    """Someone waiting for another country's seat: never promoted by these declines."""
    thailand = CountryFactory(code="TH", name="Thailand", time_zone="Asia/Bangkok")
    cohort.eligible_countries.add(thailand)
    return ApplicationFactory(
        cohort=cohort,
        status=S.WAITLISTED,
        waitlist_position=1,
        applicant__profile__nationality=thailand,
    )


def assert_seats_went_to_places_1_and_2(cohort, country, waitlist, thai_waitlist):
    holders = set(
        Application.objects.filter(
            cohort=cohort, applicant__profile__nationality=country, status__in=HOLDS_A_SEAT
        ).values_list("pk", flat=True)
    )
    first, second, third, fourth = waitlist
    assert holders == {first.pk, second.pk}
    still_waiting = dict(
        Application.objects.filter(cohort=cohort, status=S.WAITLISTED).values_list(
            "pk", "waitlist_position"
        )
    )
    assert still_waiting == {third.pk: 3, fourth.pk: 4, thai_waitlist.pk: 1}
    promotions = Counter(
        AuditEntry.objects.filter(
            action="application.status", to_state=S.ACCEPTED, note="from waitlist"
        ).values_list("object_id", flat=True)
    )
    assert promotions == {first.pk: 1, second.pk: 1}
    offer_mails = Counter(
        OutboxMessage.objects.filter(kind="offer").values_list("application", flat=True)
    )
    assert offer_mails == {first.pk: 1, second.pk: 1}


def test_two_declines_at_once_promote_waitlist_places_1_and_2_once_each(
    cohort, country, waitlist, thai_waitlist
):
    offers = [offer(cohort, country), offer(cohort, country)]

    at_once(
        *[
            lambda application=application: offer_decline(
                application=application, by=application.applicant
            )
            for application in offers
        ]
    )

    statuses = set(
        Application.objects.filter(pk__in=[o.pk for o in offers]).values_list("status", flat=True)
    )
    assert statuses == {S.OFFER_DECLINED}
    assert_seats_went_to_places_1_and_2(cohort, country, waitlist, thai_waitlist)


def test_a_decline_and_expire_offers_at_once_promote_places_1_and_2_once_each(
    cohort, country, waitlist, thai_waitlist
):
    expired = offer(cohort, country, expires_in=-timedelta(minutes=5))
    declined = offer(cohort, country)
    out = StringIO()

    at_once(
        lambda: offer_decline(application=declined, by=declined.applicant),
        lambda: call_command("expire_offers", stdout=out),
    )

    assert out.getvalue() == "1 expired offers closed; their seats were offered on.\n"
    assert Application.objects.get(pk=expired.pk).status == S.OFFER_DECLINED
    assert Application.objects.get(pk=declined.pk).status == S.OFFER_DECLINED
    assert_seats_went_to_places_1_and_2(cohort, country, waitlist, thai_waitlist)


def test_expire_offers_on_two_servers_at_once_closes_each_offer_once(
    cohort, country, waitlist, thai_waitlist
):
    offers = [offer(cohort, country, expires_in=-timedelta(minutes=5)) for _ in range(2)]

    closed = at_once(offers_expire, offers_expire)

    assert sum(closed) == 2
    statuses = set(
        Application.objects.filter(pk__in=[o.pk for o in offers]).values_list("status", flat=True)
    )
    assert statuses == {S.OFFER_DECLINED}
    assert_seats_went_to_places_1_and_2(cohort, country, waitlist, thai_waitlist)


def test_two_decline_requests_at_once_promote_places_1_and_2_once_each(
    cohort, country, waitlist, thai_waitlist
):
    offers = [offer(cohort, country), offer(cohort, country)]
    signed_in = []
    for application in offers:
        client = Client()
        client.force_login(application.applicant)
        signed_in.append((client, application))

    responses = at_once(
        *[
            lambda client=client, application=application: client.post(
                reverse("offer_decline", kwargs={"pk": application.pk}), {"confirm": "on"}
            )
            for client, application in signed_in
        ]
    )

    assert [response.status_code for response in responses] == [302, 302]
    statuses = set(
        Application.objects.filter(pk__in=[o.pk for o in offers]).values_list("status", flat=True)
    )
    assert statuses == {S.OFFER_DECLINED}
    assert_seats_went_to_places_1_and_2(cohort, country, waitlist, thai_waitlist)
