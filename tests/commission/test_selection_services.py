from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.enums import ApplicationStatus as S
from applicants.models import OutboxMessage
from applicants.services import offer_accept, offer_decline
from commission import services
from commission.services import propose_seats
from tests.factories import ApplicationFactory, CohortFactory, CountryFactory

pytestmark = pytest.mark.django_db


def test_propose_seats_fills_seats_then_the_waitlist_then_regrets_per_country():
    ranked = [(1, "KH"), (2, "TH"), (3, "KH"), (4, "KH"), (5, "KH"), (6, "TH")]

    decided = propose_seats(ranked, {"KH": 2, "TH": 2}, waitlist_length=1)

    assert decided == {
        1: (S.ACCEPTED, None),
        2: (S.ACCEPTED, None),
        3: (S.ACCEPTED, None),
        4: (S.WAITLISTED, 1),
        5: (S.REJECTED, None),
        6: (S.ACCEPTED, None),
    }


def cohort_with(n, country, manager):
    cohort = CohortFactory(
        seats_per_country=1,
        eligible_countries=[country],
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )
    applications = [
        ApplicationFactory(
            cohort=cohort, status="submitted", applicant__profile__nationality=country
        )
        for _ in range(n)
    ]
    return cohort, applications


def test_release_writes_an_offer_that_says_action_required(manager):
    country = CountryFactory()
    cohort, _applications = cohort_with(3, country, manager)
    services.selection_propose(cohort=cohort, by=manager)

    written = services.decisions_release(cohort=cohort, by=manager)

    assert written == 3
    kinds = sorted(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == ["offer", "regret", "waitlist"] or kinds == ["offer", "waitlist", "waitlist"]
    offer = OutboxMessage.objects.get(kind="offer")
    assert offer.subject.startswith("Action required:")
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 0


def test_a_decline_offers_the_seat_to_the_next_on_the_waitlist(manager):
    country = CountryFactory()
    cohort, _applications = cohort_with(3, country, manager)
    services.selection_propose(cohort=cohort, by=manager)
    services.decisions_release(cohort=cohort, by=manager)
    offered = cohort.applications.get(status=S.ACCEPTED)
    first_waiting = cohort.applications.get(status=S.WAITLISTED, waitlist_position=1)

    offer_decline(application=offered, by=offered.applicant)

    first_waiting.refresh_from_db()
    assert first_waiting.status == S.ACCEPTED
    assert first_waiting.offer_expires_at is not None
    participant = offer_accept(application=first_waiting, by=first_waiting.applicant)
    assert participant.cohort == cohort
    assert cohort.applications.filter(status__in=[S.ACCEPTED, S.OFFER_ACCEPTED]).count() == 1


def test_an_override_needs_a_reason_and_respects_the_seats(manager):
    country = CountryFactory()
    cohort, _applications = cohort_with(2, country, manager)
    services.selection_propose(cohort=cohort, by=manager)
    waiting = cohort.applications.get(status=S.WAITLISTED)

    with pytest.raises(services.ReviewError, match="Write down why"):
        services.selection_override(application=waiting, to=S.ACCEPTED, reason=" ", by=manager)
    with pytest.raises(services.ReviewError, match="The 1 seat of Cambodia is taken"):
        services.selection_override(
            application=waiting, to=S.ACCEPTED, reason="Strong short film", by=manager
        )
