"""Reads of the call, with their joins done: views take querysets from here only."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .enums import ApplicationStatus, CohortStatus
from .models import Application, AuditEntry, Cohort


def open_cohorts(*, at=None) -> QuerySet[Cohort]:
    at = at or timezone.now()
    return (
        Cohort.objects.filter(status=CohortStatus.OPEN, opens_at__lte=at, closes_at__gt=at)
        .prefetch_related("eligible_countries")
        .order_by("closes_at")
    )


def applications_of_applicant(*, user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("cohort")
        .order_by("-cohort__opens_at")
    )


def cohorts_with_counts() -> QuerySet[Cohort]:
    """Every cohort with its applications counted by state, in one query."""
    counts = {
        f"n_{status.value}": Count("applications", filter=Q(applications__status=status))
        for status in ApplicationStatus
    }
    return Cohort.objects.annotate(n_applications=Count("applications"), **counts).order_by(
        "-opens_at"
    )


def audit_entries_for(*, subject_ids, model) -> QuerySet[AuditEntry]:
    from django.contrib.contenttypes.models import ContentType

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=subject_ids
    ).select_related("actor")
