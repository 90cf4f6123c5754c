"""The shoots' workbooks, as their list pages filter them: registered with the desk's exports."""

from django.http import QueryDict
from django.utils.translation import gettext as _

from applicants.exports import export_kind
from applicants.models import Cohort

from . import selectors
from .exporters import PermitExport, ShootDayExport, SupportRequestExport
from .filters import PermitFilter, SupportFilter


def _filtered(filterset_class, query: str, queryset):
    """What a list page's filters let through; a filter that does not validate gives none."""
    filterset = filterset_class(QueryDict(query), queryset=queryset)
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def _label(text):
    return lambda *, cohort, **_p: text() % {"cohort": Cohort.objects.get(slug=cohort).name}


@export_kind(
    "permits", permission="shoots.view_permit", label=_label(lambda: _("Permits of %(cohort)s"))
)
def permits_workbook(*, user, cohort: str, query: str):
    cohort = Cohort.objects.get(slug=cohort)
    return PermitExport(permits=_filtered(PermitFilter, query, selectors.permits_of(cohort=cohort)))


@export_kind(
    "support",
    permission="shoots.view_supportrequest",
    label=_label(lambda: _("Logistics of %(cohort)s")),
)
def support_workbook(*, user, cohort: str, query: str):
    cohort = Cohort.objects.get(slug=cohort)
    rows = _filtered(SupportFilter, query, selectors.support_requests_of(cohort=cohort))
    return SupportRequestExport(requests=rows)


@export_kind(
    "schedule",
    permission="shoots.view_shootday",
    label=_label(lambda: _("Shoot days of %(cohort)s")),
)
def schedule_workbook(*, user, cohort: str, query: str):
    from .views.schedule import calendar_days  # the calendar reads its query string there

    return ShootDayExport(
        shoot_days=calendar_days(Cohort.objects.get(slug=cohort), QueryDict(query))
    )
