"""The desk's workbooks of a cohort: its whole report, and the panel's reviews."""

import rules
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
        # The rule itself, not user.has_perm: a superuser too needs the second factor.
        personal_data=rules.has_perm("applicants.read_personal_data", user),
        reader=user,
    )


@export_kind("reviews", permission="commission.view_review", label=_("Reviews of %(cohort)s"))
def reviews_workbook(*, user, cohort: str, order: str):
    return ReviewExport(cohort=Cohort.objects.get(slug=cohort), order=order)
