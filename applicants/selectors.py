"""Reads of the call, with their joins done: views take querysets from here only."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .enums import ApplicationStatus, CohortStatus
from .models import ApplicantProfile, Application, ApplicationDocument, AuditEntry, Cohort


def open_cohorts(*, at=None) -> QuerySet[Cohort]:
    at = at or timezone.now()
    return (
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=at, closes_at__gt=at)
        .prefetch_related("eligible_countries")
        .order_by("closes_at")
    )


def viewer_time_zone(*, user) -> str | None:
    """The time zone of the country an applicant lives in, if they told us."""
    if not user.is_authenticated or user.is_staff:
        return None
    return (
        ApplicantProfile.objects.filter(user=user)
        .values_list("residence__time_zone", flat=True)
        .first()
    )


def public_cohorts() -> QuerySet[Cohort]:
    """Cohorts a visitor may look at: every one but drafts."""
    return Cohort.objects.exclude(status=CohortStatus.DRAFT).prefetch_related("eligible_countries")


def applications_of_applicant(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort")
        .order_by("-cohort__opens_at")
    )


def applications_with_history(*, user) -> QuerySet[Application]:
    """The applicant's applications, each with its state changes in one more query."""
    changes = AuditEntry.objects.filter(action__in=AuditEntry.STATUS_ACTIONS).order_by(
        "created_at", "pk"
    )
    return applications_of_applicant(user=user).prefetch_related(
        Prefetch("audit_entries", queryset=changes)
    )


def documents() -> QuerySet[ApplicationDocument]:
    return ApplicationDocument.objects.select_related("application")


def status_history(*, application, for_applicant: bool) -> QuerySet[AuditEntry]:
    """The application's state changes, oldest first; an applicant sees only public ones."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        action__in=AuditEntry.STATUS_ACTIONS,
    ).select_related("actor")
    if for_applicant:
        entries = entries.exclude(to_state__in=application.states_hidden_from_applicant())
    return entries


def cohorts_with_counts() -> QuerySet[Cohort]:
    """Every cohort with its applications counted by state, in one query."""
    counts = {
        f"n_{status.value}": Count("applications", filter=Q(applications__status=status))
        for status in ApplicationStatus
    }
    return Cohort.objects.annotate(n_applications=Count("applications"), **counts).order_by(
        "-opens_at"
    )


def applications_for_staff() -> QuerySet[Application]:
    """Every application that was submitted: staff never read a draft, withdrawn or not."""
    return (
        Application.objects.filter(submitted_at__isnull=False)
        .select_related(
            "cohort", "applicant__profile__nationality", "applicant__profile__residence"
        )
        .prefetch_related("documents")
        .order_by("-submitted_at", "-pk")
    )


def draft_counts_by_country(*, cohort=None) -> QuerySet:
    """How many drafts each nationality has: counts only, never their contents."""
    drafts = Application.objects.filter(status=ApplicationStatus.DRAFT)
    if cohort is not None:
        drafts = drafts.filter(cohort=cohort)
    return (
        drafts.values("applicant__profile__nationality__name")
        .annotate(n=Count("pk"))
        .order_by("applicant__profile__nationality__name")
    )
