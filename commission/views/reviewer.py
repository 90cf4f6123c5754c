"""A reviewer's own work: their assignments, the scoring form, documents, conflicts.

Every page looks the assignment up among the signed-in reviewer's own: anyone else's is 404,
so a reviewer learns nothing of who else reviews what. In a blind cohort the applicant is
"Applicant A-<number>" everywhere, down to the name of a downloaded file.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from applicants.downloads import private_file_response
from applicants.enums import REVIEWED_DOCUMENTS

from .. import selectors, services
from ..forms.review import ConflictForm, ReviewForm

# What a reviewer judges (applicants.enums.REVIEWED_DOCUMENTS): not a passport or consent form.
REVIEWER_DOCUMENT_KINDS = list(REVIEWED_DOCUMENTS)


def _own_assignment(request, pk):
    return get_object_or_404(selectors.reviewer_assignments(reviewer=request.user), pk=pk)


def _review_of(assignment):
    # `review` is joined by the selector; an assignment without one reads as None.
    return getattr(assignment, "review", None)


def _state(review):
    if review is None:
        return "todo"
    return "submitted" if review.submitted_at else "draft"


def _reference(application):
    return _("Applicant A-%(number)s") % {"number": application.pk}


@login_required
@permission_required("commission.add_review", raise_exception=True)
def assignment_list(request):
    """The reviewer's assignments, by cohort, each with its state; progress per cohort."""
    groups = {}
    for assignment in selectors.reviewer_assignments(reviewer=request.user):
        cohort = assignment.application.cohort
        group = groups.setdefault(
            cohort.pk, {"cohort": cohort, "rows": [], "n_submitted": 0, "n_assigned": 0}
        )
        state = _state(_review_of(assignment))
        group["rows"].append(
            {
                "assignment": assignment,
                "reference": _reference(assignment.application),
                "state": state,
            }
        )
        group["n_assigned"] += 1
        group["n_submitted"] += state == "submitted"
    for group in groups.values():
        group["percent"] = round(100 * group["n_submitted"] / group["n_assigned"])
    return render(request, "commission/review/list.html", {"groups": list(groups.values())})


@login_required
@permission_required("commission.add_review", raise_exception=True)
def review_detail(request, pk):
    """One assigned application to judge, and the scoring form; read-only once submitted."""
    assignment = _own_assignment(request, pk)
    application = assignment.application
    criteria = list(application.cohort.criteria.order_by("position", "pk"))
    review = _review_of(assignment)
    form = None

    if request.method == "POST" and not criteria:
        # Nothing to score yet: an empty review must not pass for a submitted one.
        messages.error(request, _("This cohort has no rubric yet; there is nothing to score."))
        return redirect("review_detail", pk=assignment.pk)
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                services.review_save(
                    assignment=assignment,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                )
            except services.ReviewError as refusal:
                messages.error(request, str(refusal))
                review = _review_of(_own_assignment(request, pk))
                if review is not None and review.submitted_at:
                    return redirect("review_detail", pk=assignment.pk)
                form.mark_unscored_required()
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if submit:
                    messages.success(request, _("Review submitted. Thank you."))
                else:
                    messages.success(request, _("Draft saved. You can come back to it."))
                return redirect("review_detail", pk=assignment.pk)

    scores = {}
    if review is not None:
        scores = {score.criterion_id: score.value for score in review.scores.all()}
    submitted = review is not None and review.submitted_at is not None
    if form is None and not submitted:
        initial = {f"score_{criterion_id}": value for criterion_id, value in scores.items()}
        initial["comment"] = review.comment if review else ""
        form = ReviewForm(initial=initial, criteria=criteria)

    context = {
        "assignment": assignment,
        "application": application,
        "cohort": application.cohort,
        "blind": application.cohort.blind_review,
        "reference": _reference(application),
        "documents": [
            document
            for document in application.documents.all()
            if document.kind in REVIEWER_DOCUMENT_KINDS
        ],
        "review": review,
        "state": _state(review),
        "submitted": submitted,
        "form": None if submitted else form,
        "scored": [(criterion, scores.get(criterion.pk)) for criterion in criteria],
    }
    if not application.cohort.blind_review:
        # Only an open cohort's reviewers get the profile at all, so no template can leak it.
        context["profile"] = getattr(application.applicant, "profile", None)
    return render(request, "commission/review/detail.html", context)


@login_required
@permission_required("commission.add_review", raise_exception=True)
def review_document(request, pk, kind):
    """A document of an assigned application, as an attachment; a neutral name when blind."""
    assignment = _own_assignment(request, pk)
    if kind not in REVIEWER_DOCUMENT_KINDS:
        raise Http404
    document = get_object_or_404(assignment.application.documents.all(), kind=kind)
    if assignment.application.cohort.blind_review:
        # Only the blind copy, and only one that does not name the applicant; the page says
        # why a document is withheld. The applicant's own file name may carry their name too.
        if document.withheld_from_blind_review:
            raise Http404
        return private_file_response(
            document.blind_file,
            filename=f"{kind}{PurePath(document.blind_file.name).suffix.lower()}",
            content_type=document.content_type,
        )
    return private_file_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@login_required
@permission_required("commission.add_conflict", raise_exception=True)
def conflict_declare(request, pk):
    """Declare a conflict with an assigned application: the assignment and its review go."""
    assignment = _own_assignment(request, pk)
    reference = _reference(assignment.application)
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(
                reviewer=request.user,
                application=assignment.application,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
            )
        except services.ReviewError as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("Conflict declared. %(reference)s is no longer assigned to you.")
                % {"reference": reference},
            )
        return redirect("review_list")
    return render(
        request,
        "commission/review/conflict.html",
        {"assignment": assignment, "reference": reference, "form": form},
    )
