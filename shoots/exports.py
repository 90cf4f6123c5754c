"""The shoots' workbooks, as their list pages filter them: registered with the desk's exports."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from applicants.exports import export_kind
from applicants.filters import valid_rows
from applicants.models import Cohort

from . import selectors
from .exporters import PermitExport, ShootDayExport, SupportRequestExport
from .filters import PermitFilter, SupportFilter


@export_kind("permits", permission="shoots.view_permit", label=_("Permits of %(cohort)s"))
def permits_workbook(*, user, cohort: str, query: str):
    permits = selectors.permits_of(cohort=Cohort.objects.get(slug=cohort))
    return PermitExport(permits=valid_rows(PermitFilter(QueryDict(query), queryset=permits)))


@export_kind("support", permission="shoots.view_supportrequest", label=_("Logistics of %(cohort)s"))
def support_workbook(*, user, cohort: str, query: str):
    requests = selectors.support_requests_of(cohort=Cohort.objects.get(slug=cohort))
    return SupportRequestExport(
        requests=valid_rows(SupportFilter(QueryDict(query), queryset=requests))
    )


@export_kind("schedule", permission="shoots.view_shootday", label=_("Shoot days of %(cohort)s"))
def schedule_workbook(*, user, cohort: str, query: str):
    from .views.schedule import calendar_days  # the calendar reads its query string there

    return ShootDayExport(
        shoot_days=calendar_days(Cohort.objects.get(slug=cohort), QueryDict(query))
    )
