"""The desk's workbooks of a cohort: its whole report, and the panel's reviews."""

from django.utils.translation import gettext_lazy as _

from applicants.exports import export_kind
from applicants.models import Cohort

from .exporters import CohortReport, ReviewExport


@export_kind(
    "cohort_report", permission="commission.export_cohort_report", label=_("Report of %(cohort)s")
)
def cohort_report_workbook(*, user, cohort: str):
    return CohortReport(
        cohort=Cohort.objects.get(slug=cohort),
        personal_data=user.has_perm("applicants.view_personal_data"),
    )


@export_kind("reviews", permission="commission.view_review", label=_("Reviews of %(cohort)s"))
def reviews_workbook(*, user, cohort: str, order: str):
    return ReviewExport(cohort=Cohort.objects.get(slug=cohort), order=order)
