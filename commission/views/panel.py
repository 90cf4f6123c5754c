"""The programme manager's panel: a cohort's rubric, who reviews what, the ranking, and each
application's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rules.contrib.views import permission_required

from applicants.forms import form_errors_text
from applicants.models import Cohort
from applicants.selectors import applications_for_staff

from .. import selectors, services
from ..forms.panel import AssignmentAddForm, AssignmentBulkForm, rubric_formset
from ..models import Assignment

APPLICATIONS_PER_PAGE = 50
# At most this many refusals are spelled out after a bulk assignment; the rest are counted.
SKIPPED_SHOWN = 10
RANKING_ORDERS = {
    "mean": gettext_lazy("Mean"),
    "median": gettext_lazy("Median"),
    "normalised": gettext_lazy("Normalised"),
}


# The rubric ----------------------------------------------------------------------------


def _extra_rows(request, cohort_has_criteria: bool) -> int:
    default = 1 if cohort_has_criteria else 3
    try:
        return int(request.GET.get("add", default))
    except ValueError:
        return default


@login_required
@permission_required("commission.change_criterion", raise_exception=True)
@require_http_methods(["GET", "POST"])
def rubric_edit(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    if request.method == "POST" and "start_default" in request.POST:
        try:
            criteria = services.rubric_start(cohort=cohort, by=request.user)
        except services.ReviewError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(cohort)s starts from the default rubric of %(n)d criteria.")
                % {"cohort": cohort, "n": len(criteria)},
            )
        return redirect("rubric_edit", slug=cohort.slug)

    criteria = list(cohort.criteria.all())
    formset = rubric_formset(
        cohort=cohort,
        data=request.POST if request.method == "POST" else None,
        extra=_extra_rows(request, bool(criteria)),
    )
    if request.method == "POST" and formset.is_valid():
        rows, deleted = formset.changes()
        try:
            saved = services.rubric_save(cohort=cohort, by=request.user, rows=rows, deleted=deleted)
        except services.ReviewError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The rubric of %(cohort)s is saved.") % {"cohort": cohort})
            if saved["scores_cleared"]:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)d draft score no longer fits the rubric and was cleared.",
                        "%(n)d draft scores no longer fit the rubric and were cleared.",
                        saved["scores_cleared"],
                    )
                    % {"n": saved["scores_cleared"]},
                )
            return redirect("rubric_edit", slug=cohort.slug)
    return render(
        request,
        "commission/panel/rubric.html",
        {
            "cohort": cohort,
            "criteria": criteria,
            "formset": formset,
            "locked": services.rubric_locked(cohort),
            "more_rows": formset.extra + 1,
        },
    )


# Assignments ---------------------------------------------------------------------------


def _board(cohort, request):
    """Back to the board, on the page the form was sent from."""
    url = reverse("assignment_board", kwargs={"slug": cohort.slug})
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@permission_required("commission.add_assignment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def assignment_board(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    if request.method == "POST":
        form = AssignmentAddForm(request.POST, cohort=cohort)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return _board(cohort, request)
        application, reviewer = form.cleaned_data["application"], form.cleaned_data["reviewer"]
        try:
            services.assignment_add(application=application, reviewer=reviewer, by=request.user)
        except services.ReviewError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("%(reviewer)s now reviews application %(ref)s.")
                % {"reviewer": reviewer, "ref": application.pk},
            )
        return _board(cohort, request)

    page = Paginator(selectors.board_applications(cohort=cohort), APPLICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "commission/panel/assignment_board.html",
        {
            "cohort": cohort,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "reviewers": list(selectors.panel_reviewers()),
            "progress": selectors.reviewer_progress(cohort=cohort),
            "bulk_form": AssignmentBulkForm(cohort=cohort),
        },
    )


@require_POST
@login_required
@permission_required("commission.add_assignment", raise_exception=True)
def assignment_bulk(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = AssignmentBulkForm(request.POST, cohort=cohort)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return _board(cohort, request)
    result = services.assignments_bulk(
        applications=form.cleaned_data["applications"],
        reviewers=form.cleaned_data["reviewers"],
        by=request.user,
    )
    messages.success(
        request,
        ngettext("%(n)d assignment made.", "%(n)d assignments made.", result["made"])
        % {"n": result["made"]},
    )
    skipped = result["skipped"]
    if skipped:
        reasons = " ".join(skipped[:SKIPPED_SHOWN])
        more = len(skipped) - SKIPPED_SHOWN
        if more > 0:
            reasons += " " + ngettext("And %(n)d more.", "And %(n)d more.", more) % {"n": more}
        messages.warning(
            request,
            ngettext("%(n)d skipped: %(reasons)s", "%(n)d skipped: %(reasons)s", len(skipped))
            % {"n": len(skipped), "reasons": reasons},
        )
    return _board(cohort, request)


@require_POST
@login_required
@permission_required("commission.add_assignment", raise_exception=True)
def assignment_auto(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    result = services.assignments_auto(
        cohort=cohort, reviewers=list(selectors.panel_reviewers()), by=request.user
    )
    messages.success(
        request,
        ngettext("%(n)d assignment made.", "%(n)d assignments made.", result["made"])
        % {"n": result["made"]},
    )
    if result["short"]:
        messages.warning(
            request,
            ngettext(
                "Not enough eligible reviewers for %(n)d application, which stays below "
                "%(k)d reviewers: %(refs)s.",
                "Not enough eligible reviewers for %(n)d applications, which stay below "
                "%(k)d reviewers: %(refs)s.",
                len(result["short"]),
            )
            % {
                "n": len(result["short"]),
                "k": cohort.reviews_per_application,
                "refs": ", ".join(f"#{pk}" for pk in result["short"]),
            },
        )
    return _board(cohort, request)


@require_POST
@login_required
@permission_required("commission.delete_assignment", raise_exception=True)
def assignment_delete(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("application__cohort", "reviewer"), pk=pk
    )
    try:
        services.assignment_remove(assignment=assignment, by=request.user)
    except services.ReviewError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(reviewer)s no longer reviews application %(ref)s.")
            % {"reviewer": assignment.reviewer, "ref": assignment.application_id},
        )
    return _board(assignment.application.cohort, request)


# The ranking and the history -----------------------------------------------------------


@login_required
@permission_required("commission.view_review", raise_exception=True)
@require_GET
def ranking(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    order = request.GET.get("order", "mean")
    if order not in RANKING_ORDERS:
        order = "mean"
    return render(
        request,
        "commission/panel/ranking.html",
        {
            "cohort": cohort,
            "rows": selectors.cohort_ranking(cohort=cohort, order=order),
            "order": order,
            "orders": RANKING_ORDERS,
            "disagreement_spread": selectors.DISAGREEMENT_SPREAD,
        },
    )


@login_required
@permission_required("applicants.view_auditentry", raise_exception=True)
@require_GET
def application_audit(request, pk):
    # Staff never read a draft: an application never submitted is not found.
    application = get_object_or_404(applications_for_staff(), pk=pk)
    return render(
        request,
        "commission/panel/application_audit.html",
        {
            "application": application,
            "profile": getattr(application.applicant, "profile", None),
            "entries": selectors.application_history(application=application),
        },
    )
