import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from applicants.enums import ApplicationStatus
from applicants.models import (
    ApplicantProfile,
    Application,
    AuditEntry,
    Cohort,
    Country,
    OutboxMessage,
    User,
)
from applicants.services import application_missing_items
from commission.models import Assignment, Review
from commission.selectors import cohort_ranking
from shoots.models import Location

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
    counts = [User.objects.count(), Application.objects.count(), Location.objects.count()]

    call_command("seed_demo")

    assert [User.objects.count(), Application.objects.count(), Location.objects.count()] == counts


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
    mails = OutboxMessage.objects.filter(application__cohort=cohort)
    assert mails.count() == 36
    assert AuditEntry.objects.filter(action="mail.queued").count() == 36
