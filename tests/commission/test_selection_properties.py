"""Properties of the seat proposal for any ranking, seats and waitlist length."""

from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from applicants.enums import ApplicationStatus as S
from commission import services
from commission.services import propose_seats
from tests.factories import ApplicationFactory, CohortFactory, CountryFactory

COUNTRIES = ["KH", "TH", "VN", "LA", "KR"]

rankings = st.lists(
    st.tuples(st.integers(min_value=1, max_value=10_000), st.sampled_from(COUNTRIES)),
    max_size=40,
    unique_by=lambda row: row[0],
)
seats = st.dictionaries(st.sampled_from(COUNTRIES), st.integers(min_value=-1, max_value=5))
waitlist_lengths = st.integers(min_value=0, max_value=6)
first_positions = st.dictionaries(st.sampled_from(COUNTRIES), st.integers(min_value=0, max_value=4))


def by_country(ranked):
    order = defaultdict(list)
    for application_id, country in ranked:
        order[country].append(application_id)
    return order


def check(ranked, free_seats, waitlist_length, first_position):
    decided = propose_seats(ranked, free_seats, waitlist_length, first_position or None)

    # Every id gets exactly one decision, and only ids of the ranking get one.
    assert sorted(decided) == sorted(application_id for application_id, _ in ranked)
    accepted = Counter()
    for country, ids in by_country(ranked).items():
        states = [decided[application_id] for application_id in ids]
        free = max(free_seats.get(country, 0), 0)
        offered = min(free, len(ids))
        listed = min(waitlist_length, len(ids) - offered)
        first = first_position.get(country, 0)
        # The best-ranked take the seats, the next ones wait in rank order, the rest a regret.
        assert states == (
            [(S.ACCEPTED, None)] * offered
            + [(S.WAITLISTED, first + place) for place in range(1, listed + 1)]
            + [(S.REJECTED, None)] * (len(ids) - offered - listed)
        )
        accepted[country] = sum(1 for state, _ in states if state == S.ACCEPTED)
        assert accepted[country] <= free
    assert all(state in (S.ACCEPTED, S.WAITLISTED, S.REJECTED) for state, _ in decided.values())


@settings(max_examples=200, deadline=None)
@given(ranked=rankings, free_seats=seats, waitlist_length=waitlist_lengths)
def test_propose_seats_fills_seats_by_rank_then_waitlist_from_one(
    ranked, free_seats, waitlist_length
):
    check(ranked, free_seats, waitlist_length, {})


@settings(max_examples=200, deadline=None)
@given(
    ranked=rankings,
    free_seats=seats,
    waitlist_length=waitlist_lengths,
    first_position=first_positions,
)
def test_propose_seats_continues_the_waitlist_after_kept_places(
    ranked, free_seats, waitlist_length, first_position
):
    check(ranked, free_seats, waitlist_length, first_position)


@settings(max_examples=200, deadline=None)
@given(ranked=rankings, free_seats=seats, waitlist_length=waitlist_lengths)
def test_propose_seats_never_offers_more_than_the_free_seats(ranked, free_seats, waitlist_length):
    decided = propose_seats(ranked, free_seats, waitlist_length)

    offered = Counter(
        country for application_id, country in ranked if decided[application_id][0] == S.ACCEPTED
    )
    for country, n in offered.items():
        assert n <= free_seats.get(country, 0)


@pytest.mark.django_db
def test_selection_propose_again_keeps_an_overridden_reserve_behind_the_waitlist(manager):
    country = CountryFactory()
    cohort = CohortFactory(
        seats_per_country=1,
        eligible_countries=[country],
        opens_at=timezone.now() - timedelta(days=60),
        closes_at=timezone.now() - timedelta(days=1),
    )
    _accepted, *waiting, reserve = [
        ApplicationFactory(
            cohort=cohort, status="submitted", applicant__profile__nationality=country
        )
        for _ in range(5)
    ]
    services.selection_propose(cohort=cohort, by=manager)
    services.selection_override(
        application=reserve, to=S.WAITLISTED, reason="Strong short film", by=manager
    )

    services.selection_propose(cohort=cohort, by=manager)

    line = cohort.applications.filter(status=S.WAITLISTED).order_by("waitlist_position")
    assert list(line.values_list("pk", "waitlist_position")) == [
        (waiting[0].pk, 1),
        (waiting[1].pk, 2),
        (waiting[2].pk, 3),
        (reserve.pk, 4),
    ]
