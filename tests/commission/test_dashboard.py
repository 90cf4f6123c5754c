from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.enums import ApplicationStatus
from commission import selectors
from commission.models import Assignment, Review
from shoots.enums import PermitStatus, SupportKind
from tests.clock import NOON
from tests.factories import (
    ApplicationFactory,
    AuthorityFactory,
    BudgetLineFactory,
    CohortFactory,
    CountryFactory,
    PermitFactory,
    ProductionFactory,
    ShootDayFactory,
    StaffFactory,
    SupportRequestFactory,
)

# "Today", "this week" and "overdue" are read against a clock that starts at NOON.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(NOON)]

S = ApplicationStatus
SECTIONS = [
    "dash-funnel",
    "dash-countries",
    "dash-reviews",
    "dash-shoot-days",
    "dash-permits",
    "dash-support",
    "dash-budget",
]


def today():
    return timezone.localdate()


def dashboard(client, user, cohort=None):
    client.force_login(user)
    query = f"?cohort={cohort.slug}" if cohort else ""
    return client.get(reverse("desk") + query)


def review(application, *, submitted=True, reviewer=None):
    assignment = Assignment.objects.create(
        reviewer=reviewer or StaffFactory(), application=application
    )
    return Review.objects.create(
        assignment=assignment, submitted_at=timezone.now() if submitted else None
    )


def on_site(cohort, days_from_today):
    return ShootDayFactory(
        production__team__cohort=cohort, date=today() + timedelta(days=days_from_today)
    )


# The current cohort ------------------------------------------------------------------------


def cohort_on_site(starts_in, ends_in, **fields):
    return CohortFactory(
        onsite_starts_on=today() + timedelta(days=starts_in),
        onsite_ends_on=today() + timedelta(days=ends_in),
        age_reference_date=today(),
        **fields,
    )


def test_current_cohort_is_the_one_on_site_now_or_next():
    cohort_on_site(-30, -16)  # last season, over
    later = cohort_on_site(300, 314)
    ongoing = cohort_on_site(-3, 11)

    assert selectors.current_cohort() == ongoing

    ongoing.delete()

    assert selectors.current_cohort() == later


def test_current_cohort_after_every_season_is_the_last_call_opened():
    cohort_on_site(-400, -386, opens_at=timezone.now() - timedelta(days=500))
    last = cohort_on_site(-30, -16, opens_at=timezone.now() - timedelta(days=100))

    assert selectors.current_cohort() == last


def test_current_cohort_is_none_without_cohorts():
    assert selectors.current_cohort() is None


def test_desk_shows_the_current_cohort_unless_told(client, manager):
    cohort_on_site(-30, -16)
    ongoing = cohort_on_site(-3, 11, name="FLY 2031 Busan")
    chosen = cohort_on_site(-30, -16, name="FLY 2030 Busan")

    default = dashboard(client, manager)
    switched = dashboard(client, manager, chosen)

    assert default.context["cohort"] == ongoing
    assert switched.context["cohort"] == chosen
    assert f'<option value="{chosen.slug}" selected>' in switched.content.decode()


def test_desk_unknown_cohort_is_404(client, manager):
    CohortFactory()
    client.force_login(manager)

    assert client.get(reverse("desk") + "?cohort=no-such-cohort").status_code == 404


def test_desk_refuses_applicants(client, applicant):
    cohort = CohortFactory()
    client.force_login(applicant)

    assert client.get(reverse("desk") + f"?cohort={cohort.slug}").status_code == 403


def test_desk_without_cohorts_shows_no_dashboard(client, manager):
    response = dashboard(client, manager)

    assert response.status_code == 200
    assert response.context["dashboard"] == {}
    assert "No cohort yet." in response.content.decode()


# What each role sees -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("manager", SECTIONS),
        ("reviewer", []),
        ("permits_officer", ["dash-shoot-days", "dash-permits"]),
        (
            "logistics",
            [
                "dash-funnel",
                "dash-countries",
                "dash-shoot-days",
                "dash-permits",
                "dash-support",
                "dash-budget",
            ],
        ),
    ],
)
def test_dashboard_sections_fit_the_role(client, request, role, sections):
    cohort = CohortFactory()
    ApplicationFactory.create_batch(3, cohort=cohort, status=S.SUBMITTED)

    content = dashboard(client, request.getfixturevalue(role), cohort).content.decode()

    assert [section for section in SECTIONS if f'id="{section}"' in content] == sections
    # Application counts only for those who read applications, in the cohorts table too.
    reads_applications = role in ("manager", "logistics")
    assert ('<td class="text-end fw-semibold">3</td>' in content) == reads_applications


def test_reviewer_is_pointed_to_their_reviews(client, reviewer):
    cohort = CohortFactory()

    content = dashboard(client, reviewer, cohort).content.decode()

    assert "Nothing on this dashboard is for your role." in content
    assert reverse("review_list") in content


def test_funnel_leaves_reviews_to_those_who_see_the_panel(client, logistics):
    cohort = CohortFactory()
    review(ApplicationFactory(cohort=cohort, status=S.SUBMITTED))

    funnel = dashboard(client, logistics, cohort).context["dashboard"]["funnel"]

    assert [stage.key for stage in funnel.stages] == [
        "drafts",
        "submitted",
        "selected",
        "confirmed",
    ]


# The numbers -------------------------------------------------------------------------------


def test_funnel_counts_each_stage(client, manager):
    cohort = CohortFactory()
    ApplicationFactory.create_batch(2, cohort=cohort)
    reviewed = ApplicationFactory(cohort=cohort, status=S.SUBMITTED)
    review(reviewed)
    review(reviewed)  # two reviews, one application
    review(ApplicationFactory(cohort=cohort, status=S.SUBMITTED), submitted=False)
    for status in (S.ACCEPTED, S.OFFER_ACCEPTED, S.OFFER_DECLINED, S.REJECTED, S.WITHDRAWN):
        ApplicationFactory(cohort=cohort, status=status)
    review(ApplicationFactory(cohort=cohort, status=S.OFFER_ACCEPTED))
    ApplicationFactory(status=S.SUBMITTED)  # another cohort's

    response = dashboard(client, manager, cohort)

    funnel = response.context["dashboard"]["funnel"]
    assert [(stage.key, stage.count) for stage in funnel.stages] == [
        ("drafts", 2),
        ("submitted", 7),
        ("reviewed", 2),
        ("selected", 3),  # a declined offer frees its seat, as on the selection board
        ("confirmed", 2),
    ]
    assert funnel.withdrawn == 1
    assert (
        "Drafts: 2; Submitted: 7; Reviewed: 2; Selected: 3; Confirmed: 2</desc>"
        in response.content.decode()
    )


def test_applications_per_country_against_seats(client, manager):
    cambodia = CountryFactory(code="KH", name="កម្ពុជា")
    korea = CountryFactory(code="KR", name="대한민국", time_zone="Asia/Seoul")
    laos = CountryFactory(code="LA", name="Laos", time_zone="Asia/Vientiane")
    cohort = CohortFactory(eligible_countries=[cambodia, korea, laos], seats_per_country=2)
    for status in (S.SUBMITTED, S.SUBMITTED, S.ACCEPTED, S.WITHDRAWN, S.DRAFT):
        ApplicationFactory(cohort=cohort, status=status, applicant__profile__nationality=cambodia)
    ApplicationFactory(
        cohort=cohort, status=S.OFFER_ACCEPTED, applicant__profile__nationality=korea
    )
    thailand = CountryFactory(code="TH", name="Thailand", time_zone="Asia/Bangkok")
    ApplicationFactory(cohort=cohort, status=S.SUBMITTED, applicant__profile__nationality=thailand)

    response = dashboard(client, manager, cohort)

    rows = response.context["dashboard"]["countries"].rows
    # Eligible countries only, in the database's order of names (its collation's business).
    assert {
        row.country.name: (row.applications, row.selected, row.confirmed, row.seats) for row in rows
    } == {"Laos": (0, 0, 0, 2), "대한민국": (1, 1, 1, 2), "កម្ពុជា": (3, 1, 0, 2)}
    content = response.content.decode()
    assert '<text x="0" y="15" font-size="14" font-weight="600">대한민국</text>' in content
    assert "កម្ពុជា: 3 applications, 1 offered a seat, 2 seats" in content
    # The largest figure (3 applications) fills the bar; the seats' mark stands two thirds
    # along, and one offer reaches half of it.
    assert '<rect x="0" y="22" width="400" height="9" fill="#0d6efd"/>' in content
    assert '<rect x="265" y="20" width="2" height="24" fill="#212529"/>' in content
    assert '<rect x="0" y="33" width="133" height="9" fill="#198754"/>' in content


def test_review_progress_overall_and_per_reviewer(client, manager):
    cohort = CohortFactory()
    kim = StaffFactory(full_name="Kim Ji-woo")
    santos = StaffFactory(full_name="Santos Maria")
    first, second = ApplicationFactory.create_batch(2, cohort=cohort, status=S.SUBMITTED)
    review(first, reviewer=kim)
    review(second, reviewer=kim, submitted=False)
    review(first, reviewer=santos)

    response = dashboard(client, manager, cohort)

    reviews = response.context["dashboard"]["reviews"]
    assert (reviews.submitted, reviews.assigned) == (2, 3)
    assert [(r.full_name, r.n_submitted, r.n_assigned) for r in reviews.reviewers] == [
        ("Kim Ji-woo", 1, 2),
        ("Santos Maria", 1, 1),
    ]
    content = response.content.decode()
    assert "2 of 3 reviews submitted" in content
    assert reverse("assignment_board", args=[cohort.slug]) in content


def test_upcoming_shoot_days_with_their_readiness(client, manager):
    cohort = CohortFactory()
    ready = on_site(cohort, 2)
    PermitFactory(shoot_day=ready, status=PermitStatus.APPROVED)
    waiting = on_site(cohort, 14)
    on_site(cohort, 15)  # too far ahead
    on_site(cohort, -1)  # done

    response = dashboard(client, manager, cohort)

    shoot_days = response.context["dashboard"]["shoot_days"]
    assert [(day, day.ready) for day in shoot_days.days] == [(ready, True), (waiting, False)]
    assert (shoot_days.ready, shoot_days.not_ready) == (1, 1)
    content = response.content.decode()
    assert reverse("shoot_day_detail", args=[ready.pk]) in content
    assert "Not ready: permits pending" in content


def test_permits_and_support_due(client, manager):
    cohort = CohortFactory()
    day = on_site(cohort, 20)
    late = PermitFactory(shoot_day=day, due_on=today() - timedelta(days=2))
    PermitFactory(shoot_day=day, authority=AuthorityFactory(), due_on=today() + timedelta(days=3))
    PermitFactory(
        shoot_day=day,
        authority=AuthorityFactory(),
        due_on=today() - timedelta(days=2),
        status=PermitStatus.SUBMITTED,
    )
    forgotten = SupportRequestFactory(
        participant=None,
        production=day.production,
        cohort=cohort,
        kind=SupportKind.VEHICLE,
        summary="Van for the harbour scenes",
        due_on=today() - timedelta(days=1),
    )

    response = dashboard(client, manager, cohort)

    permits = response.context["dashboard"]["permits"]
    support = response.context["dashboard"]["support"]
    assert (permits.n_overdue, permits.n_due_soon, permits.overdue) == (1, 1, [late])
    assert (support.n_overdue, support.n_due_soon, support.overdue) == (1, 0, [forgotten])
    content = response.content.decode()
    assert reverse("permit_detail", args=[late.pk]) in content
    assert reverse("support_detail", args=[forgotten.pk]) in content


def test_due_lists_show_the_first_rows_and_count_them_all(manager):
    cohort = CohortFactory()
    day = on_site(cohort, 20)
    permits = [
        PermitFactory(
            shoot_day=day, authority=AuthorityFactory(), due_on=today() - timedelta(days=n)
        )
        for n in range(1, 8)
    ]

    due = selectors.permits_due_glance(cohort=cohort, limit=5)

    assert (due.n_overdue, due.overdue) == (7, permits[::-1][:5])


def test_budget_totals_and_warnings(client, manager):
    cohort = CohortFactory()
    BudgetLineFactory(cohort=cohort, kind=SupportKind.INTERPRETER, amount_krw=1_000_000)
    SupportRequestFactory(participant__application__cohort=cohort, estimated_cost_krw=1_200_000)

    response = dashboard(client, manager, cohort)

    budget = response.context["dashboard"]["budget"]
    assert (budget.total.budgeted, budget.total.committed, budget.warnings) == (
        1_000_000,
        1_200_000,
        1,
    )
    content = response.content.decode()
    assert "Budgeted 1,000,000 KRW; committed 1,200,000 KRW; spent 0 KRW" in content
    assert "Interpreter or fixer: heading over budget" in content


def test_an_empty_cohort_renders(client, manager):
    cohort = CohortFactory()
    cohort.eligible_countries.clear()

    response = dashboard(client, manager, cohort)

    assert response.status_code == 200
    content = response.content.decode()
    assert "No eligible country chosen yet." in content
    assert "No reviewer assigned yet." in content
    assert "Nothing to file this week." in content


# Queries -----------------------------------------------------------------------------------


def busy_cohort(size):
    """A cohort with `size` of everything the dashboard reads."""
    countries = [
        CountryFactory(code=code, name=name)
        for code, name in [("KH", "Cambodia"), ("KR", "Korea"), ("VN", "Vietnam")][:size]
    ]
    cohort = CohortFactory(eligible_countries=countries)
    for index in range(size):
        for status in (S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.OFFER_ACCEPTED):
            application = ApplicationFactory(
                cohort=cohort,
                status=status,
                applicant__profile__nationality=countries[index],
            )
            if status != S.DRAFT:
                review(application)
        production = ProductionFactory(team__cohort=cohort)
        day = ShootDayFactory(production=production, date=today() + timedelta(days=index + 1))
        PermitFactory(shoot_day=day, due_on=today() - timedelta(days=1))
        PermitFactory(
            shoot_day=day, authority=AuthorityFactory(), due_on=today() + timedelta(days=1)
        )
        SupportRequestFactory(
            participant=None,
            production=production,
            cohort=cohort,
            due_on=today() - timedelta(days=1),
        )
        BudgetLineFactory(cohort=cohort, production=production)
    return cohort


@pytest.mark.parametrize("size", [1, 3])
def test_dashboard_query_count_is_constant(client, manager, django_assert_num_queries, size):
    cohort = busy_cohort(size)
    client.force_login(manager)

    # session, user, groups (roles), user's and groups' permissions; the cohort; the funnel;
    # eligible countries and their counts; reviewers; shoot days and their permits; permits
    # overdue and due soon; support overdue and due soon; budget lines, costs, productions;
    # the cohorts table
    with django_assert_num_queries(20):
        response = client.get(reverse("desk") + f"?cohort={cohort.slug}")
    assert len(response.context["dashboard"]["shoot_days"].days) == size
