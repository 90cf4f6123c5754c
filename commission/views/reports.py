"""Workbooks for the desk: a cohort's whole report, and the panel's reviews."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from applicants.models import Cohort

from ..exporters import CohortReport, ReviewExport
from .panel import RANKING_ORDERS


@login_required
@permission_required("commission.export_cohort_report", raise_exception=True)
@require_GET
def cohort_report(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    personal_data = request.user.has_perm("applicants.view_personal_data")
    return CohortReport(cohort=cohort, personal_data=personal_data).response()


@login_required
@permission_required("commission.view_review", raise_exception=True)
@require_GET
def review_export(request, slug):
    """The reviews behind the ranking page, in the order the page shows."""
    cohort = get_object_or_404(Cohort, slug=slug)
    order = request.GET.get("order", "mean")
    return ReviewExport(
        cohort=cohort, order=order if order in RANKING_ORDERS else "mean"
    ).response()
