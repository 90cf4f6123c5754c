"""Workbooks for the desk: a cohort's whole report, and the panel's reviews."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from applicants.exports import workbook_response
from applicants.models import Cohort

from .panel import RANKING_ORDERS


@login_required
@permission_required("commission.export_cohort_report", raise_exception=True)
@require_GET
def cohort_report(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    return workbook_response(request, "cohort_report", cohort=cohort.slug)


@login_required
@permission_required("commission.view_review", raise_exception=True)
@require_GET
def review_export(request, slug):
    """The reviews behind the ranking page, in the order the page shows."""
    cohort = get_object_or_404(Cohort, slug=slug)
    order = request.GET.get("order", "mean")
    return workbook_response(
        request, "reviews", cohort=cohort.slug, order=order if order in RANKING_ORDERS else "mean"
    )
