"""Reads of the staff desk, joins done; the ranking computed from a few flat queries."""

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applicants.enums import DECISION_MAIL, ApplicationStatus, MailStatus
from applicants.models import Application, AuditEntry, Cohort, Country, OutboxMessage, User
from applicants.selectors import cohorts_with_counts
from shoots import selectors as shoots_selectors
from shoots.models import ShootDay, TeamMember

from .enums import REVIEWABLE_STATES, REVIEWER_PERMISSION
from .models import Assignment, Criterion, Review, Score

# Reviewers disagree widely when their totals (0 to 100) lie this far apart.
DISAGREEMENT_SPREAD = 30
# What the panel ranks, and what staff may read: submitted once, and still in the running.
SUBMITTED_NOT_WITHDRAWN = Q(submitted_at__isnull=False) & ~Q(status=ApplicationStatus.WITHDRAWN)


def desk_cohorts() -> QuerySet:
    return cohorts_with_counts()


def reviewer_assignments(*, reviewer: User) -> QuerySet[Assignment]:
    """A reviewer's assignments, newest cohort first, with what the list shows."""
    return (
        Assignment.objects.filter(reviewer=reviewer)
        .select_related("application__cohort", "review")
        .order_by("-application__cohort__opens_at", "application__submitted_at", "pk")
    )


def reviewer_progress(*, cohort: Cohort) -> QuerySet[User]:
    """Every reviewer with assignments in the cohort: how many, how many submitted."""
    in_cohort = Q(assignments__application__cohort=cohort)
    return (
        User.objects.filter(in_cohort)
        .annotate(
            n_assigned=Count("assignments", filter=in_cohort),
            n_submitted=Count(
                "assignments",
                filter=in_cohort & Q(assignments__review__submitted_at__isnull=False),
            ),
        )
        .annotate(n_remaining=F("n_assigned") - F("n_submitted"))
        .order_by("full_name", "email")
    )


def review_total(scores: dict[int, int], criteria: dict[int, Criterion]) -> float | None:
    """One review's weighted total on 0 to 100, counting only the counted criteria."""
    weighted = [
        (float(criteria[pk].weight), (value - 1) / (criteria[pk].scale - 1))
        for pk, value in scores.items()
        if criteria[pk].counted and criteria[pk].weight > 0
    ]
    weights = sum(weight for weight, _share in weighted)
    if not weights:
        return None
    return 100 * sum(weight * share for weight, share in weighted) / weights


@dataclass
class Scores:
    """What the panel made of one application: each reviewer's total and their summaries."""

    totals: dict[int, float] = field(default_factory=dict)  # reviewer id -> total
    mean: float | None = None
    median: float | None = None
    normalised: float | None = None

    @property
    def reviews(self):
        return len(self.totals)

    @property
    def spread(self):
        return max(self.totals.values()) - min(self.totals.values()) if self.totals else 0

    @property
    def disagreement(self):
        return self.reviews >= 2 and self.spread >= DISAGREEMENT_SPREAD


@dataclass
class Ranked(Scores):
    application: Application | None = None
    assigned: int = 0


def cohort_scores(*, cohort: Cohort) -> dict[int, Scores]:
    """The submitted reviews' totals of every reviewed application, by application id.

    The normalised score corrects for harsh and lenient reviewers: each review's total becomes
    its distance from that reviewer's own average, in their own standard deviations. Only
    numbers are held, so that a cohort of any size fits.
    """
    criteria = {c.pk: c for c in Criterion.objects.filter(cohort=cohort)}
    ranked = "review__assignment__application__"
    values = (
        Score.objects.filter(
            review__submitted_at__isnull=False,
            **{f"{ranked}cohort": cohort, f"{ranked}submitted_at__isnull": False},
        )
        .exclude(**{f"{ranked}status": ApplicationStatus.WITHDRAWN})
        .order_by("review_id")
        .values_list(
            "review_id", f"{ranked}id", "review__assignment__reviewer_id", "criterion_id", "value"
        )
    )
    by_application = defaultdict(Scores)
    by_reviewer = defaultdict(list)
    # Review by review, in order: only one review's scores are held at a time.
    for (_review, application_id, reviewer_id), rows in groupby(
        values.iterator(chunk_size=5000), key=lambda row: row[:3]
    ):
        total = review_total({criterion: value for *_key, criterion, value in rows}, criteria)
        if total is not None:
            by_application[application_id].totals[reviewer_id] = total
            by_reviewer[reviewer_id].append(total)
    spread = {
        reviewer_id: (statistics.fmean(totals), statistics.pstdev(totals))
        for reviewer_id, totals in by_reviewer.items()
    }
    for row in by_application.values():
        row.mean = statistics.fmean(row.totals.values())
        row.median = statistics.median(row.totals.values())
        row.normalised = statistics.fmean(
            (total - spread[reviewer][0]) / spread[reviewer][1] if spread[reviewer][1] else 0.0
            for reviewer, total in row.totals.items()
        )
    return dict(by_application)


def rank_key(order: str, scores: Scores | None, application_id: int) -> tuple:
    """Sorts best first when reversed: by the chosen score, unscored last, then earliest id."""
    value = getattr(scores, order) if scores else None
    return (value if value is not None else float("-inf"), -application_id)


def cohort_ranking(*, cohort: Cohort, order: str = "mean") -> list[Ranked]:
    """Every submitted application in the running order, with its scores (`cohort_scores`)."""
    scores = cohort_scores(cohort=cohort)
    rows = []
    for application in (
        Application.objects.filter(SUBMITTED_NOT_WITHDRAWN, cohort=cohort)
        .select_related("applicant__profile__nationality")
        .annotate(n_assigned=Count("assignments"))
    ):
        found = scores.get(application.pk, Scores())
        rows.append(
            Ranked(
                application=application,
                assigned=application.n_assigned,
                totals=found.totals,
                mean=found.mean,
                median=found.median,
                normalised=found.normalised,
            )
        )
    return sorted(
        rows,
        key=lambda row: rank_key(order, row, row.application.pk),
        reverse=True,
    )


def panel_reviewers() -> QuerySet[User]:
    """Active users holding the reviewer's permission, through a group or their own."""
    app_label, codename = REVIEWER_PERMISSION.split(".")
    grant = {"content_type__app_label": app_label, "codename": codename}
    holders = Q(
        pk__in=User.objects.filter(
            **{f"groups__permissions__{key}": value for key, value in grant.items()}
        ).values("pk")
    ) | Q(
        pk__in=User.objects.filter(
            **{f"user_permissions__{key}": value for key, value in grant.items()}
        ).values("pk")
    )
    return User.objects.filter(holders, is_active=True).order_by("full_name", "email")


def reviewable_applications(*, cohort: Cohort) -> QuerySet[Application]:
    """The cohort's applications the panel may be assigned: submitted and in the running."""
    return Application.objects.filter(
        cohort=cohort, submitted_at__isnull=False, status__in=REVIEWABLE_STATES
    ).select_related("cohort", "applicant__profile__nationality")


def board_applications(*, cohort: Cohort) -> QuerySet[Application]:
    """The assignment board's rows: each application with its reviewers and counts."""
    submitted = Q(assignments__review__submitted_at__isnull=False)
    return (
        reviewable_applications(cohort=cohort)
        .annotate(n_assigned=Count("assignments"), n_reviews=Count("assignments", filter=submitted))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("reviewer", "review").order_by(
                    "reviewer__full_name", "reviewer__email"
                ),
            )
        )
        .order_by("applicant__profile__nationality__name", "applicant__profile__legal_name", "pk")
    )


AUDIT_ACTIONS = {
    "application.started": gettext_lazy("Application started"),
    "application.status": gettext_lazy("State changed"),
    "document.uploaded": gettext_lazy("Document uploaded"),
    "document.deleted": gettext_lazy("Document removed"),
    "assignment.added": gettext_lazy("Reviewer assigned"),
    "assignment.removed": gettext_lazy("Reviewer removed"),
    "conflict.declared": gettext_lazy("Conflict of interest declared"),
    "review.submitted": gettext_lazy("Review submitted"),
}


def application_history(*, application: Application) -> list[AuditEntry]:
    """Every audit entry of an application, oldest first, each with a label for its action."""
    entries = list(
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id=application.pk,
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for entry in entries:
        entry.action_label = AUDIT_ACTIONS.get(entry.action, entry.action)
    return entries


def cohort_outbox(*, cohort: Cohort) -> QuerySet[OutboxMessage]:
    """The cohort's decision e-mails, newest first, with their applicants."""
    return (
        OutboxMessage.objects.filter(application__cohort=cohort, kind__in=DECISION_MAIL)
        .select_related("application__applicant__profile")
        .order_by("-created_at", "pk")
    )


def mail_log(*, status: str = "") -> QuerySet[OutboxMessage]:
    """Every e-mail of the desk, or those of one status, newest first.

    A person's own sign-in mail (address check, password reset) is theirs: the desk sees it
    only when it failed, to know the mail server refuses, never who asked for a reset when.
    """
    mails = (
        OutboxMessage.objects.select_related("application__cohort")
        .exclude(secret=True, status__in=[MailStatus.QUEUED, MailStatus.SENDING, MailStatus.SENT])
        .order_by("-created_at", "-pk")
    )
    return mails.filter(status=status) if status else mails


# The staff dashboard ---------------------------------------------------------------------
# Each read below costs a fixed number of queries, whatever the size of the cohort.

# How many rows each list of the dashboard shows; the whole list is one link away.
DASHBOARD_ROWS = 5
# Shoot days this close are "upcoming".
UPCOMING_DAYS = 14
# Holding a seat: offered one, or accepted it. A declined offer frees its seat, as on the
# selection board.
OFFERED_STATES = (ApplicationStatus.ACCEPTED, ApplicationStatus.OFFER_ACCEPTED)


def current_cohort(*, today: date | None = None) -> Cohort | None:
    """The cohort the desk is busy with: the one whose on-site days are under way or next
    (the nearest first), else the one whose call opened last. One query."""
    today = today or timezone.localdate()
    ahead = Q(onsite_ends_on__gte=today)
    return (
        Cohort.objects.annotate(
            past=Case(When(ahead, then=Value(0)), default=Value(1)),
            next_on_site=Case(
                When(ahead, then=F("onsite_starts_on")), default=None, output_field=DateField()
            ),
        )
        .order_by("past", "next_on_site", "-opens_at", "pk")
        .first()
    )


@dataclass
class Stage:
    key: str
    label: str
    count: int


@dataclass
class Funnel:
    stages: list[Stage]
    withdrawn: int

    @property
    def largest(self) -> int:
        return max((stage.count for stage in self.stages), default=0)


def application_funnel(*, cohort: Cohort, with_reviews: bool = True) -> Funnel:
    """How far the cohort's applications got: drafts, submitted (and not withdrawn),
    reviewed (one submitted review or more; left out unless `with_reviews`), selected (offered
    a seat or accepted it: `OFFERED_STATES`), confirmed (offer accepted). One query."""
    counts = {
        "drafts": Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        "submitted": Count("pk", filter=SUBMITTED_NOT_WITHDRAWN),
        "selected": Count("pk", filter=Q(status__in=OFFERED_STATES)),
        "confirmed": Count("pk", filter=Q(status=ApplicationStatus.OFFER_ACCEPTED)),
        "withdrawn": Count("pk", filter=Q(status=ApplicationStatus.WITHDRAWN)),
    }
    applications = Application.objects.filter(cohort=cohort)
    if with_reviews:
        reviewed = Review.objects.filter(
            assignment__application=OuterRef("pk"), submitted_at__isnull=False
        )
        # Exists in the filter itself: an annotation named in an aggregate's filter is pruned
        # from the subquery Django 5.2 builds, and the count comes out wrong.
        counts["reviewed"] = Count("pk", filter=SUBMITTED_NOT_WITHDRAWN & Q(Exists(reviewed)))
    found = applications.aggregate(**counts)
    labels = {
        "drafts": gettext_lazy("Drafts"),
        "submitted": gettext_lazy("Submitted"),
        "reviewed": gettext_lazy("Reviewed"),
        "selected": gettext_lazy("Selected"),
        "confirmed": gettext_lazy("Confirmed"),
    }
    return Funnel(
        stages=[Stage(key, label, found[key]) for key, label in labels.items() if key in found],
        withdrawn=found["withdrawn"],
    )


@dataclass
class CountryCount:
    country: Country
    seats: int
    applications: int = 0  # submitted, not withdrawn
    selected: int = 0  # offered a seat
    confirmed: int = 0
    drafts: int = 0  # counted, never read


@dataclass
class CountryChart:
    rows: list[CountryCount]

    @property
    def largest(self) -> int:
        return max((max(row.applications, row.seats) for row in self.rows), default=0)


def applications_by_country(*, cohort: Cohort) -> CountryChart:
    """Each eligible country's applications, offers and confirmed seats, against its seats,
    by the applicant's nationality. Two queries."""
    rows = {
        country.pk: CountryCount(country, seats=cohort.seats_per_country)
        for country in cohort.eligible_countries.order_by("name", "pk")
    }
    counts = (
        Application.objects.filter(cohort=cohort)
        .values("applicant__profile__nationality")
        .annotate(
            applications=Count("pk", filter=SUBMITTED_NOT_WITHDRAWN),
            selected=Count("pk", filter=Q(status__in=OFFERED_STATES)),
            confirmed=Count("pk", filter=Q(status=ApplicationStatus.OFFER_ACCEPTED)),
            drafts=Count("pk", filter=Q(status=ApplicationStatus.DRAFT)),
        )
        .order_by()
    )
    for count in counts:
        row = rows.get(count["applicant__profile__nationality"])
        if row is not None:  # a draft without a nationality yet, or one no longer eligible
            row.applications = count["applications"]
            row.selected = count["selected"]
            row.confirmed = count["confirmed"]
            row.drafts = count["drafts"]
    return CountryChart(list(rows.values()))


@dataclass
class ReviewProgress:
    reviewers: list[User]  # each with n_assigned, n_submitted, n_remaining

    @property
    def assigned(self) -> int:
        return sum(reviewer.n_assigned for reviewer in self.reviewers)

    @property
    def submitted(self) -> int:
        return sum(reviewer.n_submitted for reviewer in self.reviewers)


def review_progress(*, cohort: Cohort) -> ReviewProgress:
    """Reviews submitted against assigned, per reviewer and overall. One query."""
    return ReviewProgress(list(reviewer_progress(cohort=cohort)))


@dataclass
class UpcomingShootDays:
    days: list[ShootDay]  # each with `ready`
    shown: int = 2 * DASHBOARD_ROWS

    @property
    def first(self) -> list[ShootDay]:
        return self.days[: self.shown]

    @property
    def more(self) -> int:
        return max(len(self.days) - self.shown, 0)

    @property
    def ready(self) -> int:
        return sum(1 for day in self.days if day.ready)

    @property
    def not_ready(self) -> int:
        return len(self.days) - self.ready


def upcoming_shoot_days(
    *, cohort: Cohort, today: date | None = None, days: int = UPCOMING_DAYS
) -> UpcomingShootDays:
    """The cohort's shoot days from today to `days` days ahead, each with `ready` (its
    permits approved). Two queries."""
    today = today or timezone.localdate()
    upcoming = list(
        ShootDay.objects.filter(
            production__team__cohort=cohort, date__gte=today, date__lte=today + timedelta(days=days)
        )
        .select_related("production__team", "location")
        .prefetch_related("permits")
        .order_by("date", "starts_at", "pk")
    )
    for day in upcoming:
        day.ready = shoots_selectors.shoot_day_is_ready(day)
    return UpcomingShootDays(upcoming)


@dataclass
class Due:
    """The first rows of what is late and of what is due soon, and how many there are."""

    overdue: list
    due_soon: list
    n_overdue: int
    n_due_soon: int


def _first_rows(rows: QuerySet, limit: int) -> tuple[list, int]:
    # The count rides along in a window over the whole list: one query for both.
    first = list(rows.annotate(n_rows=Window(Count("pk"))).order_by("due_on", "pk")[:limit])
    return first, first[0].n_rows if first else 0


def _due(overdue: QuerySet, due_soon: QuerySet, limit: int) -> Due:
    overdue_rows, n_overdue = _first_rows(overdue, limit)
    due_soon_rows, n_due_soon = _first_rows(due_soon, limit)
    return Due(overdue_rows, due_soon_rows, n_overdue, n_due_soon)


def permits_due_glance(
    *, cohort: Cohort, today: date | None = None, limit: int = DASHBOARD_ROWS
) -> Due:
    """Permits still to be filed, overdue and due soon (`shoots.selectors.permits_due`).
    Two queries."""
    return _due(*shoots_selectors.permits_due(cohort=cohort, today=today), limit)


def support_due_glance(
    *, cohort: Cohort, today: date | None = None, limit: int = DASHBOARD_ROWS
) -> Due:
    """Support requests not yet arranged, overdue and due soon (`shoots.selectors.support_due`).
    Two queries."""
    return _due(*shoots_selectors.support_due(cohort=cohort, today=today), limit)


@dataclass
class BudgetGlance:
    total: shoots_selectors.BudgetRow
    warnings: int
    # The cohort-wide kinds heading over, or already over, their budget.
    over: list[shoots_selectors.BudgetRow]

    @property
    def largest(self) -> int:
        return max(self.total.budgeted, self.total.committed, self.total.actual)


def budget_glance(*, cohort: Cohort) -> BudgetGlance:
    """The cohort's budget in totals (`shoots.selectors.budget_of`). Three queries."""
    budget = shoots_selectors.budget_of(cohort=cohort)
    return BudgetGlance(
        total=budget.total,
        warnings=budget.warnings,
        over=[row for row in budget.cohort_rows if row.over_committed or row.over_actual],
    )


# The cohort report ----------------------------------------------------------------------


@dataclass
class CohortCounts:
    """What the report's Summary counts besides countries. Drafts are counted by state only."""

    by_state: Counter
    by_gender: Counter  # submitted applications
    by_role: Counter  # submitted applications' first intended role
    by_crew_role: Counter  # the participants' roles in their teams


def cohort_counts(*, cohort: Cohort) -> CohortCounts:
    """Four queries, whatever the size of the cohort."""
    applications = Application.objects.filter(cohort=cohort)
    # A draft withdrawn before it was sent was never received: it is counted nowhere.
    received = applications.filter(submitted_at__isnull=False)
    drafts = applications.filter(status=ApplicationStatus.DRAFT)

    def count(queryset, field):
        return Counter(dict(queryset.values_list(field).annotate(n=Count("pk")).order_by()))

    return CohortCounts(
        by_state=count(received | drafts, "status"),
        by_gender=count(received, "applicant__profile__gender"),
        by_role=count(received, "role_1"),
        by_crew_role=count(TeamMember.objects.filter(team__cohort=cohort), "role"),
    )


def ranking_rows(*, cohort: Cohort) -> QuerySet:
    """The ranked applications as plain tuples (a ranking of any size sorts in little memory):
    id, nationality, legal and own-script name, state, waitlist place, override reason, offer
    deadline."""
    return (
        Application.objects.filter(SUBMITTED_NOT_WITHDRAWN, cohort=cohort)
        .order_by("pk")
        .values_list(
            "pk",
            "applicant__profile__nationality__name",
            "applicant__profile__legal_name",
            "applicant__profile__native_name",
            "status",
            "waitlist_position",
            "decision_reason",
            "offer_expires_at",
        )
    )


def report_applications(*, cohort: Cohort) -> QuerySet:
    """Every application received, as the report's Applications sheet lists them, as tuples."""
    return (
        Application.objects.filter(cohort=cohort, submitted_at__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "applicant__profile__legal_name",
            "applicant__profile__native_name",
            "applicant__profile__preferred_name",
            "applicant__profile__nationality__name",
            "applicant__profile__gender",
            "applicant__profile__date_of_birth",
            "role_1",
            "role_2",
            "role_3",
            "status",
            "submitted_at",
        )
    )


def rubric_of(*, cohort: Cohort) -> QuerySet[Criterion]:
    return Criterion.objects.filter(cohort=cohort).order_by("position", "pk")


def report_assignments(*, cohort: Cohort) -> QuerySet[Assignment]:
    """Every reviewer's assignment to an application still in the running."""
    return Assignment.objects.filter(
        application__cohort=cohort, application__submitted_at__isnull=False
    ).exclude(application__status=ApplicationStatus.WITHDRAWN)


def assignments_by_id(*, ids: list[int]) -> dict[int, Assignment]:
    """Assignments by their ids, joins done. By id alone: the ids were chosen already, and
    filtering again makes SQLite join the whole cohort for every chunk."""
    return Assignment.objects.select_related(
        "application__applicant__profile__nationality", "reviewer", "review"
    ).in_bulk(ids)


def submitted_scores(*, reviews: list[int]) -> dict[int, dict[int, int]]:
    """The scores of the submitted reviews among `reviews`: review id -> criterion id -> value."""
    values = defaultdict(dict)
    for review_id, criterion_id, value in Score.objects.filter(
        review__in=reviews, review__submitted_at__isnull=False
    ).values_list("review_id", "criterion_id", "value"):
        values[review_id][criterion_id] = value
    return values
