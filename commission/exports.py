"""The desk's workbooks of a cohort: its whole report, and the panel's reviews."""

from django.utils.translation import gettext as _

from applicants.exports import export_kind
from applicants.models import Cohort

from .exporters import CohortReport, ReviewExport


def _name(slug: str) -> str:
    return Cohort.objects.get(slug=slug).name


@export_kind(
    "cohort_report",
    permission="commission.export_cohort_report",
    label=lambda *, cohort: _("Report of %(cohort)s") % {"cohort": _name(cohort)},
)
def cohort_report_workbook(*, user, cohort: str):
    return CohortReport(
        cohort=Cohort.objects.get(slug=cohort),
        personal_data=user.has_perm("applicants.view_personal_data"),
    )


@export_kind(
    "reviews",
    permission="commission.view_review",
    label=lambda *, cohort, order: _("Reviews of %(cohort)s") % {"cohort": _name(cohort)},
)
def reviews_workbook(*, user, cohort: str, order: str):
    return ReviewExport(cohort=Cohort.objects.get(slug=cohort), order=order)
