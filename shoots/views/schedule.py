"""The schedule: shoot days, the cohort's week and month calendar, and its conflicts."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from applicants.exports import workbook_response
from applicants.forms import form_errors_text
from applicants.models import Cohort

from .. import selectors, services
from ..forms.schedule import (
    CALENDAR_VIEWS,
    DEFAULT_CALENDAR_VIEW,
    CalendarForm,
    ConflictRulesForm,
    ShootDayForm,
)
from ..models import ConflictRule, ShootDay

# Shoot days ------------------------------------------------------------------------------


def _warn(request, conflicts):
    for conflict in conflicts:
        messages.warning(request, f"{conflict.label}: {conflict.message}")


def _save(request, form, *, production, shoot_day=None):
    """Hand a valid form to the service; the saved day, or None with the refusal on the form.

    Returns (day, blocking conflicts)."""
    try:
        day, warnings = services.shoot_day_save(
            production=production,
            fields=form.fields_for_service(),
            crew=form.cleaned_data["crew"],
            by=request.user,
            shoot_day=shoot_day,
        )
    except services.ScheduleConflict as refusal:
        form.add_error(None, str(refusal))
        return None, refusal.conflicts
    except services.ShootError as refusal:
        form.add_error(None, str(refusal))
        return None, []
    except ValidationError as error:
        form.add_error(None, error)
        return None, []
    _warn(request, warnings)
    return day, []


@login_required
@permission_required("shoots.add_shootday", raise_exception=True)
@require_http_methods(["GET", "POST"])
def shoot_day_create(request, pk):
    production = get_object_or_404(selectors.productions(), pk=pk)
    cohort = production.team.cohort
    team = [member.participant_id for member in production.team.members.all()]
    form = ShootDayForm(
        request.POST or None,
        cohort=cohort,
        crew_initial=team,
        initial={"crew_count": len(team)},  # the team on set, before extra hands are added
    )
    blocking = []
    if request.method == "POST" and form.is_valid():
        day, blocking = _save(request, form, production=production)
        if day:
            messages.success(request, _("The shoot day of %(day)s is saved.") % {"day": day})
            return redirect("shoot_day_detail", pk=day.pk)
    return render(
        request,
        "shoots/shoot_day/form.html",
        {"form": form, "production": production, "cohort": cohort, "blocking": blocking},
    )


@login_required
@permission_required("shoots.change_shootday", raise_exception=True)
@require_http_methods(["GET", "POST"])
def shoot_day_edit(request, pk):
    day = get_object_or_404(selectors.shoot_days(), pk=pk)
    production, cohort = day.production, day.production.team.cohort
    # What is wrong with the day as saved, before anything posted here touches it.
    current = selectors.conflicts_for(selectors.candidate_of(day), cohort=cohort)
    saved = str(day)
    # The form edits a copy: the service compares the saved day with what it is given.
    form = ShootDayForm(
        request.POST or None,
        instance=selectors.shoot_days().get(pk=day.pk) if request.method == "POST" else day,
        cohort=cohort,
    )
    blocking = []
    if request.method == "POST" and form.is_valid():
        saved_day, blocking = _save(request, form, production=production, shoot_day=day)
        if saved_day:
            messages.success(request, _("The shoot day of %(day)s is saved.") % {"day": saved_day})
            return redirect("shoot_day_detail", pk=saved_day.pk)
    return render(
        request,
        "shoots/shoot_day/form.html",
        {
            "form": form,
            "production": production,
            "cohort": cohort,
            "shoot_day_pk": pk,
            "saved": saved,
            "current": current,
            "blocking": blocking,
        },
    )


@login_required
@permission_required("shoots.view_shootday", raise_exception=True)
@require_GET
def shoot_day_detail(request, pk):
    day = get_object_or_404(selectors.shoot_days(), pk=pk)
    cohort = day.production.team.cohort
    return render(
        request,
        "shoots/shoot_day/detail.html",
        {
            "day": day,
            "cohort": cohort,
            "conflicts": selectors.conflicts_for(selectors.candidate_of(day), cohort=cohort),
            "ready": selectors.shoot_day_is_ready(day),
            "permits": list(day.permits.all()),
            "support_requests": list(selectors.support_requests_of_day(shoot_day=day))
            if request.user.has_perm("shoots.view_supportrequest")
            else [],
        },
    )


@require_POST
@login_required
@permission_required("shoots.delete_shootday", raise_exception=True)
def shoot_day_delete(request, pk):
    day = get_object_or_404(selectors.shoot_days(), pk=pk)
    cohort = day.production.team.cohort
    label = str(day)
    try:
        services.shoot_day_delete(shoot_day=day, by=request.user)
    except services.ShootError as refusal:
        messages.error(request, str(refusal))
        return redirect("shoot_day_detail", pk=pk)
    messages.success(request, _("The shoot day %(day)s is deleted.") % {"day": label})
    return redirect(f"{reverse('schedule', kwargs={'slug': cohort.slug})}?on={day.date:%Y-%m-%d}")


# The calendar ----------------------------------------------------------------------------


@dataclass
class CalendarDay:
    on: date
    in_span: bool
    shoot_days: list = field(default_factory=list)


def _span(view: str, on: date) -> tuple[date, date, date, date, date, date]:
    """The dates the calendar shows: (first, last) of the week or month, the grid's (start,
    end) from Monday to Sunday, and the `on` of the previous and next pages."""
    if view == "month":
        first = on.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        previous = (first - timedelta(days=1)).replace(day=1)
    else:
        first = on - timedelta(days=on.weekday())
        last = first + timedelta(days=6)
        following, previous = first + timedelta(days=7), first - timedelta(days=7)
    start = first - timedelta(days=first.weekday())
    end = last + timedelta(days=6 - last.weekday())
    return first, last, start, end, previous, following


def _default_day(cohort: Cohort) -> date:
    today = timezone.localdate()
    if cohort.onsite_starts_on <= today <= cohort.onsite_ends_on:
        return today
    return cohort.onsite_starts_on


def _marks(conflicts) -> dict[int, str]:
    """Per shoot day: "block" when a conflict blocks, else "warn"."""
    marks = {}
    for conflict in conflicts:
        if conflict.blocks or marks.get(conflict.shoot_day.pk) != "block":
            marks[conflict.shoot_day.pk] = "block" if conflict.blocks else "warn"
    return marks


@dataclass
class CalendarQuery:
    """What the calendar's query string asks for, as the page and its export both read it:
    a value that does not validate counts as not given (the page says which)."""

    form: CalendarForm
    view: str
    on: date
    production: object
    location: object

    def shoot_days(self, *, cohort: Cohort, starts_on: date, ends_on: date):
        return selectors.shoot_days_on_calendar(
            cohort=cohort,
            starts_on=starts_on,
            ends_on=ends_on,
            production=self.production,
            location=self.location,
        )


def _calendar_query(query, cohort: Cohort, *, productions, locations) -> CalendarQuery:
    form = CalendarForm(query, productions=productions, locations=locations)
    return CalendarQuery(
        form=form,
        view=form.value("view", DEFAULT_CALENDAR_VIEW),
        on=form.value("on", _default_day(cohort)),
        production=form.value("production"),
        location=form.value("location"),
    )


@login_required
@permission_required("shoots.view_shootday", raise_exception=True)
@require_GET
def schedule(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    productions = selectors.productions_of(cohort=cohort)
    locations = selectors.locations().order_by("name", "pk")
    query = _calendar_query(request.GET, cohort, productions=productions, locations=locations)
    if query.form.errors:
        messages.warning(request, query.form.bad_values_text())
    view, on = query.view, query.on
    production, location = query.production, query.location
    first, last, start, end, previous, following = _span(view, on)

    days = list(query.shoot_days(cohort=cohort, starts_on=start, ends_on=end))
    marks = _marks(selectors.cohort_conflicts(cohort=cohort))
    by_date = {}
    for day in days:
        day.ready = selectors.shoot_day_is_ready(day)
        day.mark = marks.get(day.pk, "")
        by_date.setdefault(day.date, []).append(day)
    calendar = [
        CalendarDay(
            on=start + timedelta(days=n), in_span=first <= start + timedelta(days=n) <= last
        )
        for n in range((end - start).days + 1)
    ]
    for cell in calendar:
        cell.shoot_days = by_date.get(cell.on, [])

    kept = {"view": view}
    if production:
        kept["production"] = production.pk
    if location:
        kept["location"] = location.pk

    def link(**changes):
        return "?" + urlencode({**kept, **changes})

    return render(
        request,
        "shoots/schedule/calendar.html",
        {
            "cohort": cohort,
            "view": view,
            "views": [
                (key, label, link(view=key, on=on.isoformat()))
                for key, label in CALENDAR_VIEWS.items()
            ],
            "on": on,
            "first": first,
            "last": last,
            "weeks": [calendar[n : n + 7] for n in range(0, len(calendar), 7)],
            # On phones: the days of the week or month, those with shoots in a month.
            "listed": [
                cell for cell in calendar if cell.in_span and (view == "week" or cell.shoot_days)
            ],
            "shoot_day_count": len(days),
            "previous": link(on=previous.isoformat()),
            "following": link(on=following.isoformat()),
            "today": link(on=timezone.localdate().isoformat()),
            "productions": productions,
            "locations": locations,
            "production": production,
            "location": location,
        },
    )


@login_required
@permission_required("shoots.view_shootday", raise_exception=True)
@require_GET
def schedule_export(request, slug):
    """The shoot days of the week or month the calendar shows, filtered as it is, in Excel."""
    cohort = get_object_or_404(Cohort, slug=slug)
    return workbook_response(request, "schedule", cohort=cohort.slug, query=request.GET.urlencode())


def calendar_days(cohort: Cohort, query) -> QuerySet[ShootDay]:
    """The shoot days of the week or month that a calendar's query string shows."""
    calendar = _calendar_query(
        query,
        cohort,
        productions=selectors.productions_of(cohort=cohort),
        locations=selectors.locations(),
    )
    first, last, *_rest = _span(calendar.view, calendar.on)
    return calendar.shoot_days(cohort=cohort, starts_on=first, ends_on=last)


# Conflicts -------------------------------------------------------------------------------


@dataclass
class ConflictGroup:
    shoot_day: object
    conflicts: list = field(default_factory=list)

    @property
    def blocks(self) -> bool:
        return any(conflict.blocks for conflict in self.conflicts)


@login_required
@permission_required("shoots.view_shootday", raise_exception=True)
@require_GET
def conflict_list(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    groups = {}
    for conflict in selectors.cohort_conflicts(cohort=cohort):
        groups.setdefault(conflict.shoot_day.pk, ConflictGroup(conflict.shoot_day))
        groups[conflict.shoot_day.pk].conflicts.append(conflict)
    return render(
        request,
        "shoots/conflict/list.html",
        {
            "cohort": cohort,
            "groups": list(groups.values()),
            "rules_form": ConflictRulesForm(actions=ConflictRule.actions_for(cohort)),
        },
    )


@require_POST
@login_required
@permission_required("shoots.change_conflictrule", raise_exception=True)
def conflict_rules(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = ConflictRulesForm(request.POST, actions=ConflictRule.actions_for(cohort))
    if form.is_valid():
        services.conflict_rules_set(cohort=cohort, actions=form.cleaned_data, by=request.user)
        messages.success(
            request, _("The conflict rules of %(cohort)s are saved.") % {"cohort": cohort}
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect("conflict_list", slug=cohort.slug)
