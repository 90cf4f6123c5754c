"""Permits: the cohort's list with what is due and overdue, a new permit for a shoot day, a
permit's page with its details, status and history, and its insurance certificate."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from applicants.validators import JPEG, PDF, PNG

from .. import selectors, services
from ..enums import PERMIT_DUE_SOON_DAYS, PermitActivity, PermitStatus
from ..filters import PermitFilter
from ..forms.permits import (
    PermitCreateForm,
    PermitTransitionForm,
    PermitUpdateForm,
    transition_buttons,
)

# The status form shares field names with the edit form on one page: not their HTML ids.
TRANSITION_IDS = "status_%s"
CONTENT_TYPES = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}


def _filtered_permits(request, cohort):
    """The filter form and the cohort's permits it lets through; a filter that does not
    validate gives no permits rather than all of them."""
    filterset = PermitFilter(request.GET, queryset=selectors.permits_of(cohort=cohort))
    rows = valid_rows(filterset)
    return filterset, rows


@login_required
@permission_required("shoots.view_permit", raise_exception=True)
@require_GET
def permit_list(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    overdue, due_soon = selectors.permits_due(cohort=cohort)
    filterset, rows = _filtered_permits(request, cohort)
    return render(
        request,
        "shoots/permit/list.html",
        {
            "cohort": cohort,
            "overdue": overdue,
            "due_soon": due_soon,
            "due_soon_days": PERMIT_DUE_SOON_DAYS,
            "filterset": filterset,
            "permits": rows,
        },
    )


@login_required
@permission_required("shoots.view_permit", raise_exception=True)
@require_GET
def permit_export(request, slug):
    """The cohort's permits, filtered as on their page, in Excel."""
    cohort = get_object_or_404(Cohort, slug=slug)
    return workbook_response(request, "permits", cohort=cohort.slug, query=request.GET.urlencode())


@login_required
@permission_required("shoots.add_permit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def permit_create(request, pk):
    day = get_object_or_404(selectors.shoot_days(), pk=pk)
    live = {
        permit.authority_id
        for permit in day.permits.all()
        if permit.status != PermitStatus.CANCELLED
    }
    initial = {"crew_size": day.crew_count, "vehicle_count": day.vehicle_count}
    if day.location.authority_id not in live:
        initial["authority"] = day.location.authority_id
    form = PermitCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        authority = fields.pop("authority")
        try:
            permit = services.permit_create(
                shoot_day=day, authority=authority, fields=fields, by=request.user
            )
        except services.ShootError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(
                request,
                _("The permit from %(authority)s is added as a draft. File it by %(due)s.")
                % {"authority": permit.authority, "due": permit.due_on.isoformat()},
            )
            return redirect("permit_detail", pk=permit.pk)
    return render(
        request,
        "shoots/permit/create.html",
        {"day": day, "cohort": day.production.team.cohort, "form": form},
    )


def _detail(request, permit, *, edit_form=None, transition_form=None, status=200):
    can_change = request.user.has_perm("shoots.change_permit")
    if can_change and edit_form is None:
        edit_form = PermitUpdateForm(initial=PermitUpdateForm.initial_of(permit))
    if can_change and transition_form is None:
        transition_form = PermitTransitionForm(
            initial={"reference_number": permit.reference_number, "conditions": permit.conditions},
            auto_id=TRANSITION_IDS,
        )
    return render(
        request,
        "shoots/permit/detail.html",
        {
            "permit": permit,
            "day": permit.shoot_day,
            "cohort": permit.shoot_day.production.team.cohort,
            "activity_labels": [
                PermitActivity(value).label
                for value in permit.activities
                if value in PermitActivity.values
            ],
            "history": selectors.permit_history(permit=permit),
            "can_change": can_change,
            "edit_form": edit_form,
            "transition_form": transition_form,
            "buttons": transition_buttons(permit.status),
        },
        status=status,
    )


@login_required
@permission_required("shoots.view_permit", raise_exception=True)
@require_http_methods(["GET", "POST"])
def permit_detail(request, pk):
    permit = get_object_or_404(selectors.permits(), pk=pk)
    if request.method == "GET":
        return _detail(request, permit)
    if not request.user.has_perm("shoots.change_permit"):
        raise PermissionDenied
    form = PermitUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        fields = dict(form.cleaned_data)
        insurance = fields.pop("insurance_certificate")
        try:
            services.permit_update(
                permit=permit, fields=fields, insurance=insurance, by=request.user
            )
        except services.ShootError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            # A wrong file: nothing is saved, what was typed stays in the form.
            form.add_error("insurance_certificate" if insurance else None, error)
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("The permit is saved."))
            return redirect("permit_detail", pk=permit.pk)
    else:
        messages.error(request, _("The permit is not saved: see the fields marked below."))
    return _detail(request, permit, edit_form=form)


@require_POST
@login_required
@permission_required("shoots.change_permit", raise_exception=True)
def permit_transition(request, pk):
    permit = get_object_or_404(selectors.permits(), pk=pk)
    form = PermitTransitionForm(request.POST, auto_id=TRANSITION_IDS)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return _detail(request, permit, transition_form=form)
    try:
        permit = services.permit_transition(
            permit=permit,
            to=form.cleaned_data["to"],
            reference_number=form.cleaned_data["reference_number"].strip(),
            conditions=form.cleaned_data["conditions"].strip(),
            by=request.user,
        )
    except services.ShootError as error:
        messages.error(request, str(error))
        return _detail(request, permit, transition_form=form)
    messages.success(
        request, _("The permit is now %(status)s.") % {"status": permit.get_status_display()}
    )
    return redirect("permit_detail", pk=permit.pk)


@login_required
@permission_required("shoots.view_permit", raise_exception=True)
@require_GET
def permit_insurance(request, pk):
    permit = get_object_or_404(selectors.permits(), pk=pk)
    if not permit.insurance_certificate:
        raise Http404
    extension = PurePath(permit.insurance_certificate.name).suffix.lower()
    return private_file_response(
        permit.insurance_certificate,
        filename=permit.insurance_name or f"insurance{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
