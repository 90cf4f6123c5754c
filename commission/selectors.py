"""Reads of the staff desk, joins done; the ranking computed from a few flat queries."""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy

from applicants.enums import ApplicationStatus
from applicants.models import Application, AuditEntry, Cohort, OutboxMessage, User
from applicants.selectors import cohorts_with_counts

from .enums import REVIEWABLE_STATES, REVIEWER_PERMISSION
from .models import Assignment, Criterion, Score

# Reviewers disagree widely when their totals (0 to 100) lie this far apart.
DISAGREEMENT_SPREAD = 30


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
class Ranked:
    application: Application
    totals: dict[int, float] = field(default_factory=dict)  # reviewer id -> total
    assigned: int = 0
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


def cohort_ranking(*, cohort: Cohort, order: str = "mean") -> list[Ranked]:
    """Every submitted application with its mean, median and reviewer-normalised score.

    The normalised score corrects for harsh and lenient reviewers: each review's total becomes
    its distance from that reviewer's own average, in their own standard deviations.
    """
    criteria = {c.pk: c for c in Criterion.objects.filter(cohort=cohort)}
    scores = defaultdict(dict)  # (application id, reviewer id) -> {criterion id: value}
    for application_id, reviewer_id, criterion_id, value in Score.objects.filter(
        review__assignment__application__cohort=cohort, review__submitted_at__isnull=False
    ).values_list(
        "review__assignment__application_id",
        "review__assignment__reviewer_id",
        "criterion_id",
        "value",
    ):
        scores[(application_id, reviewer_id)][criterion_id] = value
    rows = {
        application.pk: Ranked(application=application, assigned=application.n_assigned)
        for application in Application.objects.filter(cohort=cohort, submitted_at__isnull=False)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("applicant__profile__nationality")
        .annotate(n_assigned=Count("assignments"))
    }
    by_reviewer = defaultdict(list)
    for (application_id, reviewer_id), values in scores.items():
        total = review_total(values, criteria)
        if total is not None and application_id in rows:
            rows[application_id].totals[reviewer_id] = total
            by_reviewer[reviewer_id].append(total)
    spread = {
        reviewer_id: (statistics.fmean(totals), statistics.pstdev(totals))
        for reviewer_id, totals in by_reviewer.items()
    }
    for row in rows.values():
        if not row.totals:
            continue
        row.mean = statistics.fmean(row.totals.values())
        row.median = statistics.median(row.totals.values())
        row.normalised = statistics.fmean(
            (total - spread[reviewer][0]) / spread[reviewer][1] if spread[reviewer][1] else 0.0
            for reviewer, total in row.totals.items()
        )
    unscored = float("-inf")
    return sorted(
        rows.values(),
        key=lambda row: (
            getattr(row, order) if getattr(row, order) is not None else unscored,
            -row.application.pk,
        ),
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
        OutboxMessage.objects.filter(application__cohort=cohort)
        .select_related("application__applicant__profile")
        .order_by("-created_at", "pk")
    )
