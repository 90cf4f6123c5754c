"""Selection and decisions: the board of seats per country, overrides, the release of the
decisions, and the outbox of decision e-mails that staff read before sending."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from applicants import services as applicant_services
from applicants.enums import UNSENT_MAIL, ApplicationStatus
from applicants.forms import form_errors_text
from applicants.models import Cohort, Country
from applicants.selectors import applications_for_staff

from .. import selectors, services
from ..forms.selection import (
    DEFAULT_ORDER,
    PROPOSAL_ORDERS,
    OverrideForm,
    ProposeForm,
    ReleaseForm,
)
from .panel import RANKING_ORDERS

PERMISSION = "applicants.change_application"
S = ApplicationStatus
REFUSALS = (services.ReviewError, applicant_services.ApplicationError)


# The board ------------------------------------------------------------------------------


@dataclass
class CountryCard:
    """One country's applications in rank order, with what its seats look like."""

    country: Country | None
    rows: list = field(default_factory=list)

    @property
    def offered(self) -> int:
        return sum(row.application.status in (S.ACCEPTED, S.OFFER_ACCEPTED) for row in self.rows)


def _decision(application, released: bool) -> tuple[str, str]:
    """What the board says of an application's decision, and the badge's colour."""
    status, place = application.status, application.waitlist_position
    if status in (S.SUBMITTED, S.SHORTLISTED):
        return _("Undecided"), "text-bg-light border"
    if status == S.WAITLISTED:
        label = _("Waitlist #%(n)s") % {"n": place} if place else _("Waitlist")
        return label, "text-bg-warning"
    if not released:
        if status == S.ACCEPTED:
            return _("Pending offer"), "text-bg-success"
        if status == S.REJECTED:
            return _("Regret"), "text-bg-secondary"
    tones = {
        S.ACCEPTED: "text-bg-success",
        S.OFFER_ACCEPTED: "text-bg-primary",
        S.OFFER_DECLINED: "text-bg-dark",
        S.REJECTED: "text-bg-secondary",
    }
    return application.get_status_display(), tones.get(status, "text-bg-light border")


def _country_cards(rows, released: bool) -> list[CountryCard]:
    cards = {}
    for row in rows:
        country = row.application.applicant.profile.nationality
        row.decision, row.decision_tone = _decision(row.application, released)
        cards.setdefault(country and country.pk, CountryCard(country=country)).rows.append(row)
    # Countries by name; applications without a nationality last.
    return sorted(cards.values(), key=lambda card: (card.country is None, str(card.country)))


def _order(value) -> str:
    return value if value in PROPOSAL_ORDERS else DEFAULT_ORDER


def _board(cohort, request):
    """Back to the board, in the order it was shown in."""
    url = reverse("selection", kwargs={"slug": cohort.slug})
    order = request.POST.get("order", "")
    return redirect(f"{url}?order={order}" if order in PROPOSAL_ORDERS else url)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def selection_board(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    order = _order(request.GET.get("order"))
    released = cohort.decisions_released_at is not None
    rows = selectors.cohort_ranking(cohort=cohort, order=order)
    return render(
        request,
        "commission/selection/board.html",
        {
            "cohort": cohort,
            "order": order,
            "orders": {key: RANKING_ORDERS[key] for key in PROPOSAL_ORDERS},
            "released": released,
            "cards": _country_cards(rows, released),
            "undecided": sum(
                row.application.status in (S.SUBMITTED, S.SHORTLISTED) for row in rows
            ),
            "decision_choices": OverrideForm.base_fields["to"].choices,
            "release_form": None if released else ReleaseForm(cohort=cohort),
        },
    )


def _moves_text(moved) -> str:
    if not moved:
        return _("The proposal is made; no decision had to change.")
    parts = []
    if moved[S.ACCEPTED]:
        parts.append(
            ngettext("%(n)d offered a seat", "%(n)d offered a seat", moved[S.ACCEPTED])
            % {"n": moved[S.ACCEPTED]}
        )
    if moved[S.WAITLISTED]:
        parts.append(
            ngettext("%(n)d waitlisted", "%(n)d waitlisted", moved[S.WAITLISTED])
            % {"n": moved[S.WAITLISTED]}
        )
    if moved[S.REJECTED]:
        parts.append(
            ngettext("%(n)d regret", "%(n)d regrets", moved[S.REJECTED]) % {"n": moved[S.REJECTED]}
        )
    return _("The proposal is made: %(moves)s. Nothing is released yet.") % {
        "moves": ", ".join(parts)
    }


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def selection_propose(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = ProposeForm(request.POST)
    order = form.cleaned_data["order"] if form.is_valid() else DEFAULT_ORDER
    try:
        moved = services.selection_propose(cohort=cohort, by=request.user, order=order)
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _moves_text(moved))
    return _board(cohort, request)


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def selection_override(request, pk):
    # Staff never decide on a draft: an application never submitted is not found.
    application = get_object_or_404(applications_for_staff(), pk=pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _board(application.cohort, request)
    try:
        application = services.selection_override(
            application=application,
            to=form.cleaned_data["to"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Application %(ref)s: %(decision)s, for the reason written down.")
            % {"ref": application.pk, "decision": _decision(application, released=False)[0]},
        )
    return _board(application.cohort, request)


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def decisions_release(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = ReleaseForm(request.POST, cohort=cohort)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _board(cohort, request)
    try:
        written = services.decisions_release(cohort=cohort, by=request.user)
    except REFUSALS as refusal:
        messages.error(request, str(refusal))
        return _board(cohort, request)
    messages.success(
        request,
        ngettext(
            "The decisions are released. %(n)d e-mail waits in the outbox: read it, then send it.",
            "The decisions are released. %(n)d e-mails wait in the outbox: read them, then "
            "send them.",
            written,
        )
        % {"n": written},
    )
    return redirect("outbox", slug=cohort.slug)


# The outbox -----------------------------------------------------------------------------


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def outbox(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    mails = list(selectors.cohort_outbox(cohort=cohort))
    return render(
        request,
        "commission/selection/outbox.html",
        {
            "cohort": cohort,
            "mails": mails,
            "unsent": sum(mail.status in UNSENT_MAIL for mail in mails),
        },
    )


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def outbox_send(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    unsent = list(selectors.cohort_outbox(cohort=cohort).filter(status__in=UNSENT_MAIL))
    sent = applicant_services.outbox_send(messages=unsent, by=request.user)
    if sent:
        messages.success(
            request, ngettext("%(n)d e-mail sent.", "%(n)d e-mails sent.", sent) % {"n": sent}
        )
    else:
        messages.info(request, _("Nothing to send: every e-mail in the outbox is sent."))
    return redirect("outbox", slug=cohort.slug)
