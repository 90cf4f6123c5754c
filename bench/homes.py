"""The homes and the desk's list of applications, at 10 and at 1,000 applications."""

import itertools

from django.utils import timezone

from applicants.enums import ApplicationStatus
from applicants.models import Application, User
from commission.roles import PROGRAMME_MANAGER
from tests.factories import ApplicantFactory, CohortFactory, CountryFactory, StaffFactory

STATUSES = list(ApplicationStatus)


def populate(applications: int) -> dict:
    """A cohort with `applications` applications; returns the users who look at it."""
    Application.objects.all().delete()
    User.objects.all().delete()
    country = CountryFactory()
    cohort = CohortFactory(eligible_countries=[country])
    applicant = ApplicantFactory()
    Application.objects.create(cohort=cohort, applicant=applicant)
    others = User.objects.bulk_create(
        User(email=f"bench{index}@example.org", email_verified_at=timezone.now())
        for index in range(applications - 1)
    )
    now = timezone.now()
    Application.objects.bulk_create(
        Application(
            cohort=cohort,
            applicant=user,
            status=status,
            # Staff read only what was submitted: every state but a draft was, once.
            submitted_at=None if status == ApplicationStatus.DRAFT else now,
        )
        for user, status in zip(others, itertools.cycle(STATUSES), strict=False)
    )
    return {"manager": StaffFactory(role=PROGRAMME_MANAGER), "applicant": applicant}


BENCHMARKS = [
    (
        "Homes and the applications list: queries and time at 10 and at 1,000 applications",
        10,
        1000,
        # page: (url, who looks, rows per batch for a streamed export, else None)
        {
            "staff home": ("/desk/", "manager", None),
            "applicant home": ("/me/", "applicant", None),
            "applications": ("/desk/applications/", "manager", None),
            "applications csv": ("/desk/applications/export.csv", "manager", 500),
        },
    ),
]
