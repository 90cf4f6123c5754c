import re
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from applicants.enums import DECISION_MAIL, ApplicationStatus
from applicants.models import (
    ApplicantProfile,
    Application,
    AuditEntry,
    Cohort,
    Country,
    OutboxMessage,
    Participant,
    User,
)
from applicants.services import application_missing_items
from commission.models import Assignment, Review
from commission.selectors import cohort_ranking
from shoots.enums import SupportKind, SupportState, TravelDirection
from shoots.models import Location, SupportRequest
from shoots.selectors import budget_of, support_due, support_requests_for

pytestmark = pytest.mark.django_db

SCRIPTS = {
    "Khmer": r"[\u1780-\u17FF]",
    "Thai": r"[\u0E00-\u0E7F]",
    "Lao": r"[\u0E80-\u0EFF]",
    "Burmese": r"[\u1000-\u109F]",
    "Hangul": r"[\uAC00-\uD7AF]",
    "Han": r"[\u4E00-\u9FFF]",
    "Vietnamese diacritics": r"[ạảãàáâậầấẩẫăắằặẳẵễệếềểêơởờớợỡưừứựửữđốồổỗộọỏ]",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, built once for this module and rolled back after it."""
    uploads = tmp_path_factory.mktemp("uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=uploads,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo")
        yield
        transaction.set_rollback(True)


def test_seed_demo_twice_duplicates_nothing(demo):
    models = (User, Application, Location, SupportRequest)
    counts = [model.objects.count() for model in models]

    call_command("seed_demo")

    assert [model.objects.count() for model in models] == counts


def test_seed_demo_makes_the_two_cohorts(demo):
    assert dict(Cohort.objects.values_list("slug", "status")) == {
        "fly-2025": "finished",
        "fly-2026": "open",
    }
    assert Cohort.objects.get(slug="fly-2026").is_call_open()


def test_seed_demo_applicants_come_from_all_twelve_countries(demo):
    assert Country.objects.count() == 12
    for cohort in Cohort.objects.all():
        countries = set(
            Application.objects.filter(cohort=cohort).values_list(
                "applicant__profile__nationality__code", flat=True
            )
        )
        assert countries == set(Country.objects.values_list("code", flat=True))


def test_seed_demo_names_people_in_their_own_scripts(demo):
    native_names = " ".join(ApplicantProfile.objects.values_list("native_name", flat=True))

    for script, pattern in SCRIPTS.items():
        assert re.search(pattern, native_names), script


def test_seed_demo_fly_2026_has_150_applications_in_every_state_from_every_country(demo):
    applications = Application.objects.filter(cohort__slug="fly-2026")

    assert applications.count() >= 150
    assert set(applications.values_list("status", flat=True)) == set(ApplicationStatus.values)
    assert applications.values("applicant__profile__nationality").distinct().count() == 12


def test_seed_demo_submitted_applications_are_complete_with_documents(demo):
    submitted = Application.objects.filter(cohort__slug="fly-2026", status="submitted")

    for application in submitted[:20]:
        assert application_missing_items(application) == []
        assert application.documents.count() >= 3


def test_seed_demo_fly_2025_is_a_finished_selection_with_two_seats_per_country(demo):
    assert Cohort.objects.get(slug="fly-2025").decisions_released_at is not None
    confirmed = Counter(
        Application.objects.filter(
            cohort__slug="fly-2025", status=ApplicationStatus.OFFER_ACCEPTED
        ).values_list("applicant__profile__nationality__code", flat=True)
    )

    assert set(confirmed.values()) == {2}
    assert len(confirmed) == 12


def test_seed_demo_logins_work_with_the_demo_password(demo):
    roles = {
        "manager@example.org": "Programme manager",
        "reviewer@example.org": "Reviewer",
        "permits@example.org": "Permits officer",
        "logistics@example.org": "Logistics coordinator",
    }
    for email, role in roles.items():
        user = User.objects.get(email=email)
        assert user.check_password("incubator-demo")
        assert user.is_staff and user.email_verified
        assert list(user.groups.values_list("name", flat=True)) == [role]
    applicant = User.objects.get(email="applicant@example.org")
    assert applicant.check_password("incubator-demo")
    assert not applicant.is_staff
    assert applicant.applications.get().cohort.slug == "fly-2026"


def test_seed_demo_crowd_applicants_cannot_log_in(demo):
    crowd = User.objects.filter(is_staff=False).exclude(
        email__in=[
            "manager@example.org",
            "reviewer@example.org",
            "permits@example.org",
            "logistics@example.org",
            "applicant@example.org",
            "participant@example.org",
        ]
    )

    assert crowd.exists()
    assert not any(user.has_usable_password() for user in crowd)


def test_seed_demo_gives_both_cohorts_the_default_rubric(demo):
    for cohort in Cohort.objects.all():
        assert list(cohort.criteria.values_list("name", flat=True)) == [
            "Creative vision",
            "Storytelling",
            "Craft and portfolio",
            "Collaboration and motivation",
            "Potential",
        ]


def test_seed_demo_fly_2026_has_reviewers_from_other_countries_and_scores(demo):
    assignments = Assignment.objects.filter(application__cohort__slug="fly-2026")

    assert assignments.values("reviewer").distinct().count() >= 5
    assert (
        Review.objects.filter(assignment__in=assignments, submitted_at__isnull=False).count() >= 100
    )
    for assignment in assignments.select_related("reviewer", "application__applicant__profile"):
        assert (
            assignment.reviewer.country_id
            != assignment.application.applicant.profile.nationality_id
        )


def test_seed_demo_fly_2025_seats_went_to_the_best_ranked_of_each_country(demo):
    cohort = Cohort.objects.get(slug="fly-2025")
    seen = Counter()
    for row in cohort_ranking(cohort=cohort, order="normalised"):
        country = row.application.applicant.profile.nationality_id
        seen[country] += 1
        expected = "offer_accepted" if seen[country] <= cohort.seats_per_country else "waitlisted"
        assert row.application.status == expected
    assert cohort.participants.count() == 24
    # Every decision mail went to the queue (it leaves when the demo's transaction commits,
    # which this module's rolled-back fixture never does).
    mails = OutboxMessage.objects.filter(application__cohort=cohort, kind__in=DECISION_MAIL)
    assert mails.count() == 36
    assert AuditEntry.objects.filter(action="mail.queued").count() == 36


def test_seed_demo_both_cohorts_have_travel_rooms_and_shoot_day_support_with_costs(demo):
    for cohort in Cohort.objects.all():
        requests = SupportRequest.objects.filter(cohort=cohort)
        kinds = set(requests.values_list("kind", flat=True))
        on_shoot_days = set(requests.filter(shoot_day__isnull=False).values_list("kind", flat=True))

        assert {SupportKind.FLIGHT, SupportKind.ROOM, SupportKind.AIRPORT_TRANSFER} <= kinds
        assert {SupportKind.VEHICLE, SupportKind.INTERPRETER, SupportKind.POLICE} <= on_shoot_days
        assert requests.filter(estimated_cost_krw=0).count() == 0


def test_seed_demo_fly_2025_flies_houses_and_supports_everyone_at_actual_cost(demo):
    cohort = Cohort.objects.get(slug="fly-2025")
    requests = SupportRequest.objects.filter(cohort=cohort)
    flights = requests.filter(kind=SupportKind.FLIGHT)
    arrivals = flights.filter(direction=TravelDirection.ARRIVAL)

    assert requests.filter(kind=SupportKind.ROOM).values("participant").distinct().count() == 24
    assert arrivals.count() == flights.filter(direction=TravelDirection.DEPARTURE).count() == 22
    assert set(arrivals.values_list("ends_on", flat=True)) == {date(2025, 8, 17)}
    assert (
        requests.filter(
            kind=SupportKind.AIRPORT_TRANSFER, direction=TravelDirection.ARRIVAL
        ).count()
        == 22
    )
    assert set(
        requests.filter(kind=SupportKind.INSURANCE).values_list("production", flat=True)
    ) == set(cohort.teams.values_list("production", flat=True))
    assert requests.exclude(state=SupportState.DONE).count() == 2  # one asked, one called off
    assert requests.filter(state=SupportState.DONE, actual_cost_krw__isnull=True).count() == 0


def test_seed_demo_fly_2025_budget_has_one_overspent_line(demo):
    budget = budget_of(cohort=Cohort.objects.get(slug="fly-2025"))
    over = [
        (production.title, row.kind)
        for production, rows in budget.productions
        for row in rows
        if row.over_actual or row.over_committed
    ]

    assert budget.warnings == 1
    assert over == [("The Last Ferry", SupportKind.CATERING)]


def test_seed_demo_fly_2026_is_under_way_for_teams_without_participants(demo):
    cohort = Cohort.objects.get(slug="fly-2026")
    requests = SupportRequest.objects.filter(cohort=cohort)
    holds = requests.filter(kind=SupportKind.FLIGHT)

    assert requests.filter(participant__isnull=False).count() == 0
    assert set(requests.values_list("state", flat=True)) == {
        SupportState.REQUESTED,
        SupportState.APPROVED,
        SupportState.ARRANGED,
    }
    assert requests.filter(actual_cost_krw__isnull=False).count() == 0
    assert holds.count() == 11
    assert set(holds.values_list("state", "flight_number")) == {(SupportState.REQUESTED, "")}
    assert requests.filter(kind=SupportKind.ROOM, quantity=6).count() == 4
    assert budget_of(cohort=cohort).warnings == 0


def test_seed_demo_fly_2026_board_has_overdue_requests_and_some_due_this_week(demo):
    cohort = Cohort.objects.get(slug="fly-2026")

    overdue, due_soon = support_due(cohort=cohort, today=timezone.localdate())

    assert overdue.count() >= 3
    assert due_soon.count() >= 3
    assert overdue.filter(assignee__email="logistics@example.org").exists()


def test_seed_demo_participant_has_a_full_itinerary(demo):
    participant = Participant.objects.get(user__email="participant@example.org")
    mine = support_requests_for(participant=participant)
    arrival = mine.get(kind=SupportKind.FLIGHT, direction=TravelDirection.ARRIVAL)
    departure = mine.get(kind=SupportKind.FLIGHT, direction=TravelDirection.DEPARTURE)
    room = mine.get(kind=SupportKind.ROOM)
    asked = mine.get(requested_by=participant.user)

    assert arrival.flight_number and arrival.departs_time and arrival.arrives_time
    assert departure.flight_number and departure.departs_time and departure.arrives_time
    assert departure.starts_on == date(2025, 9, 1)
    assert mine.filter(kind=SupportKind.AIRPORT_TRANSFER, starts_on=arrival.ends_on).exists()
    assert (room.starts_on, room.ends_on, len(room.nights)) == (
        date(2025, 8, 17),
        date(2025, 9, 1),
        15,
    )
    assert room.vendor and room.room
    assert (asked.kind, asked.state) == (SupportKind.INTERPRETER, SupportState.REQUESTED)
    assert asked.shoot_day.production.team == participant.team_member.team
