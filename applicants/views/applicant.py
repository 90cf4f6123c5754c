"""The applicant's own pages: their home, and their application step by step.

Every application is looked up among the signed-in applicant's own, so anyone else's is 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..enums import ApplicationStatus, ApplicationStep, DocumentKind
from ..forms import DocumentUploadForm, FilmmakingStepForm, GuardianStepForm, ProfileStepForm

STEP_DOCUMENTS = {
    ApplicationStep.DOCUMENTS: [
        DocumentKind.CV,
        DocumentKind.PORTFOLIO,
        DocumentKind.PASSPORT,
        DocumentKind.RECOMMENDATION,
    ],
    ApplicationStep.GUARDIAN: [DocumentKind.CONSENT],
}


def applicant_required(view):
    """Signed in, and an applicant: staff have the desk instead."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if request.user.is_staff:
            return redirect("desk")
        if not request.user.has_perm("applicants.use_applicant_home"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def own_application(request, pk):
    return get_object_or_404(selectors.applications_of_applicant(user=request.user), pk=pk)


@applicant_required
def applicant_home(request):
    applications = list(selectors.applications_with_history(user=request.user))
    applied = {application.cohort_id for application in applications}
    context = {
        "applications": applications,
        "cohorts": [c for c in selectors.open_cohorts() if c.pk not in applied],
        "viewer_tz": selectors.viewer_time_zone(user=request.user),
    }
    return render(request, "applicants/applicant/home.html", context)


@require_POST
@applicant_required
def application_start(request, slug):
    cohort = get_object_or_404(selectors.public_cohorts(), slug=slug)
    existing = selectors.applications_of_applicant(user=request.user).filter(cohort=cohort).first()
    if existing:
        return redirect("application_detail", pk=existing.pk)
    try:
        application = services.application_start(applicant=request.user, cohort=cohort)
    except services.ApplicationError as error:
        messages.error(request, str(error))
        return redirect("call_detail", slug=slug)
    return redirect("application_step", pk=application.pk, step=ApplicationStep.PROFILE)


@applicant_required
def application_detail(request, pk):
    application = own_application(request, pk)
    context = {
        "application": application,
        "viewer_tz": selectors.viewer_time_zone(user=request.user),
        "history": selectors.status_history(application=application, for_applicant=True),
        "steps": services.application_steps(application),
        "missing": services.application_missing_items(application)
        if application.status == ApplicationStatus.DRAFT
        else [],
        "documents": application.documents.all(),
        "can_withdraw": services.application_can_withdraw(application),
        "names_you": services.documents_naming_applicant(application)
        if application.status != ApplicationStatus.WITHDRAWN
        and application.cohort.decisions_released_at is None
        else [],
    }
    return render(request, "applicants/application/detail.html", context)


def step_forms(application, step, data=None):
    """The form of a step, bound to what the applicant saved before."""
    if step == ApplicationStep.PROFILE:
        return ProfileStepForm(data, instance=application.applicant.profile)
    if step == ApplicationStep.FILMMAKING:
        return FilmmakingStepForm(data, instance=application)
    if step == ApplicationStep.GUARDIAN:
        return GuardianStepForm(data, instance=application)
    return None


def render_step(request, application, step, form=None, upload_errors=None, missing=None):
    steps = services.application_steps(application)
    index = steps.index(step)
    documents = {document.kind: document for document in application.documents.all()}
    context = {
        "application": application,
        "cohort": application.cohort,
        "step": ApplicationStep(step),
        "steps": [ApplicationStep(s) for s in steps],
        "number": index + 1,
        "percent": round(100 * (index + 1) / len(steps)),
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "previous_step": steps[index - 1] if index else None,
        "form": form if form is not None else step_forms(application, step),
        "uploads": [
            {
                "kind": kind,
                "document": documents.get(kind),
                "required": kind in services.DOCUMENTS_REQUIRED or kind == DocumentKind.CONSENT,
                "form": DocumentUploadForm(prefix=kind),
                "error": (upload_errors or {}).get(kind),
            }
            for kind in STEP_DOCUMENTS.get(step, [])
        ],
        "missing": missing
        if missing is not None
        else (
            services.application_missing_items(application)
            if step == ApplicationStep.REVIEW
            else []
        ),
        "profile": getattr(application.applicant, "profile", None),
    }
    return render(request, "applicants/application/step.html", context)


@applicant_required
def application_step(request, pk, step):
    application = own_application(request, pk)
    if step not in services.application_steps(application):
        raise Http404
    if application.status != ApplicationStatus.DRAFT:
        messages.info(
            request,
            _("This application is %(status)s; it can no longer be changed.")
            % {"status": application.applicant_status_label.lower()},
        )
        return redirect("application_detail", pk=application.pk)
    form = step_forms(application, step, request.POST or None)
    if request.method == "POST" and form is not None:
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            target = "profile" if step == ApplicationStep.PROFILE else "answers"
            try:
                services.application_save_step(
                    application=application, by=request.user, **{target: fields}
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return after_save(request, application, step)
        messages.error(request, _("Please correct the marked answers; nothing else was lost."))
    elif request.method == "POST":
        return after_save(request, application, step)
    return render_step(request, application, step, form=form)


def after_save(request, application, step):
    steps = services.application_steps(application)
    index = steps.index(step)
    if "continue" in request.POST and index + 1 < len(steps):
        step = steps[index + 1]
    messages.success(request, _("Saved. You can come back and finish it any time."))
    return redirect("application_step", pk=application.pk, step=step)


def document_step(kind):
    return ApplicationStep.GUARDIAN if kind == DocumentKind.CONSENT else ApplicationStep.DOCUMENTS


@require_POST
@applicant_required
def document_upload(request, pk, kind):
    application = own_application(request, pk)
    if kind not in DocumentKind.values:
        raise Http404
    step = document_step(kind)
    if step not in services.application_steps(application):
        raise Http404
    form = DocumentUploadForm(request.POST, request.FILES, prefix=kind)
    error = None
    # A submitted application comes back to its overview: only an anonymised version of a
    # document that names the applicant is taken there.
    draft = application.status == ApplicationStatus.DRAFT
    if form.is_valid():
        try:
            document = services.document_upload(
                application=application,
                kind=kind,
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        except services.ApplicationError as refusal:
            messages.error(request, str(refusal))
            return redirect("application_detail", pk=application.pk)
        else:
            messages.success(
                request, _("%(document)s uploaded.") % {"document": DocumentKind(kind).label}
            )
            if application.cohort.blind_review and document.names_applicant:
                messages.warning(
                    request,
                    _(
                        "%(document)s names you (%(found)s), so reviewers will not get it. "
                        "Please upload a version without your name, e-mail or phone."
                    )
                    % {"document": DocumentKind(kind).label, "found": document.blind_findings},
                )
            if not draft:
                return redirect("application_detail", pk=application.pk)
            return redirect("application_step", pk=application.pk, step=step)
    else:
        error = " ".join(form.errors["file"])
    messages.error(
        request,
        _("%(document)s not uploaded: %(reason)s")
        % {"document": DocumentKind(kind).label, "reason": error},
    )
    if not draft:
        return redirect("application_detail", pk=application.pk)
    return render_step(request, application, step, upload_errors={kind: error})


@require_POST
@applicant_required
def document_delete(request, pk, kind):
    application = own_application(request, pk)
    document = get_object_or_404(application.documents, kind=kind)
    try:
        services.document_delete(document=document, by=request.user)
    except services.ApplicationError as error:
        messages.error(request, str(error))
        return redirect("application_detail", pk=application.pk)
    messages.success(
        request, _("%(document)s removed.") % {"document": document.get_kind_display()}
    )
    return redirect("application_step", pk=application.pk, step=document_step(kind))


@applicant_required
def consent_form(request, pk):
    """A printable form for a guardian to read, sign and give back as a scan or photo."""
    application = own_application(request, pk)
    if not services.application_is_minor(application):
        raise Http404
    return render(
        request,
        "applicants/application/consent_form.html",
        {"application": application, "profile": application.applicant.profile},
    )


@require_POST
@applicant_required
def application_submit(request, pk):
    application = own_application(request, pk)
    try:
        services.application_submit(application=application, by=request.user)
    except services.IncompleteApplication as error:
        messages.error(request, str(error))
        return render_step(request, application, ApplicationStep.REVIEW, missing=error.items)
    except services.ApplicationError as error:
        messages.error(request, str(error))
        return redirect("application_detail", pk=application.pk)
    messages.success(
        request,
        _("Your application is submitted. We sent a receipt to %(email)s.")
        % {"email": request.user.email},
    )
    return redirect("application_detail", pk=application.pk)


@applicant_required
def application_withdraw(request, pk):
    application = own_application(request, pk)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, by=request.user)
        except services.ApplicationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("application_detail", pk=application.pk)
    return render(request, "applicants/application/withdraw.html", {"application": application})


@require_POST
@applicant_required
def offer_accept(request, pk):
    application = own_application(request, pk)
    try:
        services.offer_accept(application=application, by=request.user)
    except services.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You accepted your seat in %(cohort)s. Welcome!")
            % {"cohort": application.cohort.name},
        )
    return redirect("application_detail", pk=application.pk)


@require_POST
@applicant_required
def offer_decline(request, pk):
    application = own_application(request, pk)
    if not request.POST.get("confirm"):
        # The box on the page is required too; this covers a form sent without it.
        messages.error(request, _("Tick the box to confirm that you give up your seat."))
        return redirect("application_detail", pk=application.pk)
    try:
        services.offer_decline(application=application, by=request.user)
    except services.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You declined the offer. Thank you for telling us."))
    return redirect("application_detail", pk=application.pk)
