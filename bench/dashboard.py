"""The staff dashboard at a cohort of 50 applications and at one of 2,000."""

import itertools
from datetime import time, timedelta

from django.utils import timezone

from applicants.enums import ApplicationStatus
from applicants.models import ApplicantProfile, Application, Cohort, Participant, User
from commission.models import Assignment, Review
from commission.roles import PROGRAMME_MANAGER, REVIEWER
from shoots.enums import PermitStatus, SupportKind, SupportState
from shoots.models import (
    BudgetLine,
    Location,
    Permit,
    ShootDay,
    SupportRequest,
    Team,
)
from tests.factories import (
    AuthorityFactory,
    CohortFactory,
    CountryFactory,
    LocationFactory,
    ProductionFactory,
    StaffFactory,
)

COUNTRIES = [
    ("BN", "Brunei Darussalam"),
    ("KH", "Cambodia"),
    ("ID", "Indonesia"),
    ("LA", "Laos"),
    ("MY", "Malaysia"),
    ("MM", "Myanmar"),
    ("PH", "Philippines"),
    ("SG", "Singapore"),
    ("TH", "Thailand"),
    ("VN", "Vietnam"),
    ("KR", "Korea"),
]
STATUSES = list(ApplicationStatus)
PERMIT_STATES = [PermitStatus.DRAFT, PermitStatus.SUBMITTED, PermitStatus.APPROVED]
SUPPORT_STATES = list(SupportState)
SUPPORT_KINDS = [SupportKind.VEHICLE, SupportKind.EQUIPMENT, SupportKind.INTERPRETER]


def populate(applications: int) -> dict:
    """A cohort on site now, with `applications` applications and, growing with them,
    reviews, shoot days, permits, support requests and budget lines; returns who looks."""
    SupportRequest.objects.all().delete()
    for model in (ShootDay, Team, Location, Participant, Application, Cohort):
        model.objects.all().delete()
    User.objects.all().delete()
    today = timezone.localdate()
    countries = [CountryFactory(code=code, name=name) for code, name in COUNTRIES]
    cohort = CohortFactory(
        slug="bench-dashboard",
        eligible_countries=countries,
        onsite_starts_on=today - timedelta(days=2),
        onsite_ends_on=today + timedelta(days=12),
    )
    applicants = User.objects.bulk_create(
        User(email=f"bench{index}@example.org", email_verified_at=timezone.now())
        for index in range(applications)
    )
    ApplicantProfile.objects.bulk_create(
        ApplicantProfile(user=user, legal_name="Chan Sokha", nationality=country)
        for user, country in zip(applicants, itertools.cycle(countries), strict=False)
    )
    now = timezone.now()
    made = Application.objects.bulk_create(
        Application(
            cohort=cohort,
            applicant=user,
            status=status,
            submitted_at=None if status == ApplicationStatus.DRAFT else now,
        )
        for user, status in zip(applicants, itertools.cycle(STATUSES), strict=False)
    )
    # Two reviewers on every submitted application; every other review submitted.
    panel = [StaffFactory(role=REVIEWER) for _reviewer in range(6)]
    assignments = Assignment.objects.bulk_create(
        Assignment(reviewer=panel[(index + turn) % len(panel)], application=application)
        for index, application in enumerate(made)
        if application.submitted_at
        for turn in (0, 1)
    )
    Review.objects.bulk_create(
        Review(assignment=assignment, submitted_at=now if index % 2 else None)
        for index, assignment in enumerate(assignments)
    )
    productions = [ProductionFactory(team__cohort=cohort, team__number=n) for n in (1, 2, 3, 4)]
    places = [LocationFactory() for _place in range(4)]
    # A shoot day for every 20 applications, over the three weeks from today (at least one
    # upcoming at any size: with none, the permits are not even asked for).
    shoot_days = []
    for index in range(max(applications // 20, 1)):
        day = ShootDay(
            production=productions[index % 4],
            location=places[index % 4],
            date=today + timedelta(days=index % 21),
            call_time=time(7),
            wrap_time=time(17),
        )
        day.save()  # works out when the day starts and ends
        shoot_days.append(day)
    authorities = [AuthorityFactory() for _authority in range(2)]
    Permit.objects.bulk_create(
        Permit(
            shoot_day=day,
            authority=authority,
            status=PERMIT_STATES[(index + turn) % len(PERMIT_STATES)],
            due_on=day.date - timedelta(days=7),
        )
        for index, day in enumerate(shoot_days)
        for turn, authority in enumerate(authorities)
    )
    SupportRequest.objects.bulk_create(
        SupportRequest(
            cohort=cohort,
            production=productions[index % 4],
            kind=SUPPORT_KINDS[index % len(SUPPORT_KINDS)],
            state=SUPPORT_STATES[index % len(SUPPORT_STATES)],
            summary=f"Request {index}",
            estimated_cost_krw=100_000 + 1_000 * (index % 50),
            actual_cost_krw=90_000 if index % 4 == 0 else None,
            due_on=today + timedelta(days=index % 21 - 10),
            starts_on=today,
        )
        for index in range(applications // 5)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(cohort=cohort, production=production, kind=kind, amount_krw=1_000_000)
        for production in productions
        for kind in SUPPORT_KINDS
    )
    return {"manager": StaffFactory(role=PROGRAMME_MANAGER)}


BENCHMARKS = [
    (
        "The staff dashboard: queries and time at 50 and at 2,000 applications",
        50,
        2000,
        {
            "dashboard": ("/desk/?cohort=bench-dashboard", "manager", None),
            "current cohort": ("/desk/", "manager", None),
        },
    ),
]
