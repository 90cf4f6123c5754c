"""Logistics support: the coordinator's board with what is overdue and due this week, a
request's page, arrivals and departures by day, rooms by hotel and night, the budget; and a
participant's itinerary and requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from applicants.downloads import private_file_response
from applicants.exports import workbook_response
from applicants.filters import valid_rows
from applicants.forms import refusal_text
from applicants.models import Cohort

from .. import selectors, services
from ..enums import (
    SUPPORT_DUE_SOON_DAYS,
    SUPPORT_OPEN,
    SupportState,
)
from ..filters import SupportFilter
from ..forms.support import (
    AttachmentForm,
    BudgetLineForm,
    ParticipantSupportForm,
    SupportRequestForm,
    SupportTransitionForm,
    add_model_errors,
    transition_buttons,
)
from .teams import participant_required

PAGE_SIZE = 50
# The state form shares no ids with the edit form on one page.
TRANSITION_IDS = "state_%s"


def _cohort(slug):
    return get_object_or_404(Cohort, slug=slug)


def _filtered_requests(request, cohort):
    """The board's filter form and the cohort's requests it lets through; a filter that does
    not validate gives no requests rather than all of them."""
    filterset = SupportFilter(
        request.GET, queryset=selectors.support_requests_of(cohort=cohort), request=request
    )
    rows = valid_rows(filterset)
    return filterset, rows


@login_required
@permission_required("shoots.view_supportrequest", raise_exception=True)
@require_GET
def support_board(request, slug):
    cohort = _cohort(slug)
    overdue, due_soon = selectors.support_due(cohort=cohort)
    filterset, rows = _filtered_requests(request, cohort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "shoots/support/board.html",
        {
            "cohort": cohort,
            "overdue": overdue,
            "due_soon": due_soon,
            "due_soon_days": SUPPORT_DUE_SOON_DAYS,
            "filterset": filterset,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


@login_required
@permission_required("shoots.view_supportrequest", raise_exception=True)
@require_GET
def support_export(request, slug):
    """The cohort's support requests, filtered as on the board, in Excel."""
    cohort = _cohort(slug)
    return workbook_response(request, "support", cohort=cohort.slug, query=request.GET.urlencode())


@login_required
@permission_required("shoots.add_supportrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def support_create(request, slug):
    cohort = _cohort(slug)
    # A link from a shoot day or a participant can name whom the request is for.
    initial = {"subject": request.GET.get("for", ""), "kind": request.GET.get("kind", "")}
    form = SupportRequestForm(request.POST or None, cohort=cohort, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                support = services.support_request_create(
                    cohort=cohort, fields=form.fields_for_service(), by=request.user
                )
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(request, _("The request is recorded."))
                return redirect("support_detail", pk=support.pk)
        messages.error(request, _("The request is not saved: see the fields marked below."))
    return render(request, "shoots/support/form.html", {"cohort": cohort, "form": form})


def _detail(request, support, *, edit_form=None, transition_form=None):
    can_change = request.user.has_perm("shoots.change_supportrequest")
    if can_change and edit_form is None:
        edit_form = SupportRequestForm(
            initial=SupportRequestForm.initial_of(support),
            cohort=support.cohort,
            assignee=support.assignee,
        )
    if can_change and transition_form is None:
        transition_form = SupportTransitionForm(auto_id=TRANSITION_IDS)
    return render(
        request,
        "shoots/support/detail.html",
        {
            "support": support,
            "cohort": support.cohort,
            "history": selectors.support_history(request=support),
            "can_change": can_change and support.state != SupportState.CANCELLED,
            "can_attach": request.user.has_perm("shoots.add_supportattachment")
            and support.state != SupportState.CANCELLED,
            "can_detach": request.user.has_perm("shoots.delete_supportattachment"),
            "edit_form": edit_form,
            "transition_form": transition_form,
            "attachment_form": AttachmentForm(),
            "buttons": transition_buttons(support.state),
        },
    )


@login_required
@permission_required("shoots.view_supportrequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def support_detail(request, pk):
    support = get_object_or_404(selectors.support_request_detail(), pk=pk)
    if request.method == "GET":
        return _detail(request, support)
    if not request.user.has_perm("shoots.change_supportrequest"):
        raise PermissionDenied
    form = SupportRequestForm(request.POST, cohort=support.cohort, assignee=support.assignee)
    if form.is_valid():
        try:
            services.support_request_update(
                request=support, fields=form.fields_for_service(), by=request.user
            )
        except services.ShootError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            add_model_errors(form, error)
            messages.error(request, _("The request is not saved: see the fields marked below."))
        else:
            messages.success(request, _("The request is saved."))
            return redirect("support_detail", pk=support.pk)
    else:
        messages.error(request, _("The request is not saved: see the fields marked below."))
    return _detail(request, support, edit_form=form)


@require_POST
@login_required
@permission_required("shoots.change_supportrequest", raise_exception=True)
def support_transition(request, pk):
    support = get_object_or_404(selectors.support_request_detail(), pk=pk)
    form = SupportTransitionForm(request.POST, auto_id=TRANSITION_IDS)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return _detail(request, support, transition_form=form)
    try:
        support = services.support_request_transition(
            request=support,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"].strip(),
            by=request.user,
        )
    except services.ShootError as error:
        messages.error(request, str(error))
        return _detail(request, support, transition_form=form)
    messages.success(
        request, _("The request is now %(state)s.") % {"state": support.get_state_display()}
    )
    return redirect("support_detail", pk=support.pk)


@require_POST
@login_required
@permission_required("shoots.add_supportattachment", raise_exception=True)
def support_attachment_add(request, pk):
    support = get_object_or_404(selectors.support_request_detail(), pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.support_attachment_add(
                request=support, upload=form.cleaned_data["file"], by=request.user
            )
        except services.ShootError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("%(name)s is attached.") % {"name": attachment.name})
    else:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("support_detail", pk=support.pk)


@login_required
@require_GET
def support_attachment(request, pk):
    """A ticket or voucher: for the desk, and for whom the request serves; to anyone else it
    does not exist."""
    attachment = get_object_or_404(selectors.support_attachments(), pk=pk)
    if not request.user.has_perm("shoots.read_support_request", attachment.request):
        raise Http404
    return private_file_response(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


@require_POST
@login_required
@permission_required("shoots.delete_supportattachment", raise_exception=True)
def support_attachment_delete(request, pk):
    attachment = get_object_or_404(selectors.support_attachments(), pk=pk)
    try:
        services.support_attachment_delete(attachment=attachment, by=request.user)
    except services.ShootError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": attachment.name})
    return redirect("support_detail", pk=attachment.request_id)


@login_required
@permission_required("shoots.view_supportrequest", raise_exception=True)
@require_GET
def travel_board(request, slug):
    cohort = _cohort(slug)
    days, undated = selectors.travel_by_day(selectors.travel_of(cohort=cohort))
    return render(
        request,
        "shoots/support/travel.html",
        {"cohort": cohort, "days": days, "undated": undated},
    )


@login_required
@permission_required("shoots.view_supportrequest", raise_exception=True)
@require_GET
def room_board(request, slug):
    cohort = _cohort(slug)
    hotels, unbooked = selectors.rooms_by_hotel(selectors.rooms_of(cohort=cohort))
    return render(
        request,
        "shoots/support/rooms.html",
        {"cohort": cohort, "hotels": hotels, "unbooked": unbooked},
    )


@login_required
@permission_required("shoots.view_budgetline", raise_exception=True)
@require_http_methods(["GET", "POST"])
def budget(request, slug):
    cohort = _cohort(slug)
    can_set = request.user.has_perm("shoots.change_budgetline") and request.user.has_perm(
        "shoots.add_budgetline"
    )
    form = BudgetLineForm(request.POST or None, cohort=cohort)
    if request.method == "POST":
        if not can_set:
            raise PermissionDenied
        if form.is_valid():
            line = services.budget_line_set(cohort=cohort, by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("The budget for %(line)s is set to %(amount)s KRW.")
                % {"line": line, "amount": f"{line.amount_krw:,}"},
            )
            return redirect("budget", slug=cohort.slug)
        messages.error(request, _("The budget line is not saved: see the fields marked below."))
    return render(
        request,
        "shoots/support/budget.html",
        {
            "cohort": cohort,
            "budget": selectors.budget_of(cohort=cohort),
            "form": form if can_set else None,
        },
    )


# A participant's own pages ---------------------------------------------------------------


def _seat(request):
    """The participant's seat in their latest cohort; someone without one has no such page."""
    seat = selectors.latest_participation(user=request.user)
    if seat is None:
        raise Http404
    return seat


@participant_required
@require_GET
def my_travel(request):
    seat = _seat(request)
    itinerary = selectors.itinerary_of(participant=seat)
    return render(
        request,
        "shoots/participant/my_travel.html",
        {
            "seat": seat,
            "cohort": seat.cohort,
            "itinerary": itinerary,
            "flight_sections": [
                (_("Arrival"), itinerary.arrivals),
                (_("Departure"), itinerary.departures),
            ],
            "open_states": SUPPORT_OPEN,
        },
    )


@participant_required
@require_http_methods(["GET", "POST"])
def my_support_request(request):
    seat = _seat(request)
    form = ParticipantSupportForm(request.POST or None, participant=seat)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.support_request_create(
                    cohort=seat.cohort, fields=form.fields_for_service(), by=request.user
                )
            except ValidationError as error:
                add_model_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your request is with the logistics desk. Its state shows on this page."),
                )
                return redirect("my_travel")
        messages.error(request, _("Your request is not sent yet: see the fields marked below."))
    return render(request, "shoots/participant/support_form.html", {"seat": seat, "form": form})


@require_POST
@participant_required
def my_support_withdraw(request, pk):
    seat = _seat(request)
    support = get_object_or_404(
        selectors.support_requests_for(participant=seat), pk=pk, requested_by=request.user
    )
    try:
        services.support_request_withdraw(request=support, by=request.user)
    except services.ShootError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("my_travel")
