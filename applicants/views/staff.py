"""The staff desk's side of the call: cohorts, and the applications they receive.

Staff never read a draft: drafts are counted by country, never listed, and their pages are 404.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from .. import selectors, services
from ..access_log import accesses_of, accesses_record
from ..enums import PersonalDataPlace, PersonalDatum
from ..exporters import ApplicationExporter
from ..exports import workbook_response
from ..filters import ApplicationFilter, missing_documents, valid_rows
from ..forms import CohortForm
from ..models import Cohort

APPLICATIONS_PER_PAGE = 50
# The newest reads of an applicant's personal data on their record; the admin has them all.
ACCESSES_SHOWN = 20


@login_required
@permission_required("applicants.view_cohort", raise_exception=True)
@require_GET
def cohort_list(request):
    return render(
        request, "applicants/staff/cohort/list.html", {"cohorts": selectors.cohorts_with_counts()}
    )


def _split(form):
    """The form's answers as the services take them: fields, and the eligible countries."""
    fields = dict(form.cleaned_data)
    return fields, fields.pop("eligible_countries")


@login_required
@permission_required("applicants.add_cohort", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cohort_create(request):
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields, countries = _split(form)
        try:
            cohort = services.cohort_create(by=request.user, eligible_countries=countries, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(cohort)s is created.") % {"cohort": cohort})
            return redirect("cohort_list")
    return render(request, "applicants/staff/cohort/form.html", {"form": form})


@login_required
@permission_required("applicants.change_cohort", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cohort_update(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    # The form writes what it validates onto its instance: the page shows the saved name.
    saved_name = cohort.name
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        fields, countries = _split(form)
        try:
            cohort = services.cohort_update(
                cohort=cohort, by=request.user, fields=fields, eligible_countries=countries
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(cohort)s is saved.") % {"cohort": cohort})
            return redirect("cohort_list")
    return render(
        request, "applicants/staff/cohort/form.html", {"form": form, "saved_name": saved_name}
    )


def _add_facts(application):
    """What a page shows beside the fields: age on the reference date, missing documents."""
    profile = getattr(application.applicant, "profile", None)
    birth = profile.date_of_birth if profile else None
    application.age = application.cohort.age_on_reference_date(birth) if birth else None
    application.missing_documents = missing_documents(application)
    return application


def _filtered_applications(request):
    """The filter form and its rows; a filter that does not validate gives no rows, not all."""
    filterset = ApplicationFilter(
        request.GET, queryset=selectors.applications_for_staff(), request=request
    )
    rows = valid_rows(filterset)
    return filterset, rows


@login_required
@permission_required("applicants.view_application", raise_exception=True)
@require_GET
def application_list(request):
    filterset, rows = _filtered_applications(request)
    page = Paginator(rows, APPLICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for application in page:
        _add_facts(application)
    cohort = filterset.form.cleaned_data.get("cohort") if filterset.is_valid() else None
    return render(
        request,
        "applicants/staff/application/list.html",
        {
            "filterset": filterset,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "draft_counts": selectors.draft_counts_by_country(cohort=cohort),
            "draft_cohort": cohort,
        },
    )


@login_required
@permission_required("applicants.view_application", raise_exception=True)
@require_GET
def application_export(request):
    _filterset, rows = _filtered_applications(request)
    exporter = ApplicationExporter(applications=rows, user=request.user)
    response = StreamingHttpResponse(exporter.lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, exporter.get_csv_filename())
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@permission_required("applicants.view_application", raise_exception=True)
@require_GET
def application_export_xlsx(request):
    return workbook_response(request, "applications", query=request.GET.urlencode())


@login_required
@permission_required("applicants.view_application", raise_exception=True)
@require_GET
def application_detail(request, pk):
    application = _add_facts(get_object_or_404(selectors.applications_for_staff(), pk=pk))
    profile = getattr(application.applicant, "profile", None)
    # The rules themselves, not user.has_perm: a superuser too needs the second factor.
    personal = rules.has_perm("applicants.read_personal_data", request.user)
    travel = rules.has_perm("applicants.read_travel_data", request.user, application)
    shown = []
    if profile is not None and personal and profile.date_of_birth:
        shown.append(PersonalDatum.BIRTH_DATE)
    if profile is not None and travel and profile.passport_number:
        shown.append(PersonalDatum.PASSPORT_NUMBER)
    accesses_record(
        user=request.user,
        where=PersonalDataPlace.APPLICATION_PAGE,
        what=shown,
        applications=[application],
    )
    may_read_log = request.user.has_perm("applicants.view_personaldataaccess")
    return render(
        request,
        "applicants/staff/application/detail.html",
        {
            "application": application,
            "profile": profile,
            "history": selectors.status_history(application=application, for_applicant=False),
            "reads_personal_data": personal,
            # A link only to what this reader may download (a passport scan needs the factor).
            "readable_documents": {
                document.pk
                for document in application.documents.all()
                if rules.has_perm("applicants.download_document", request.user, document)
            },
            "reads_travel_data": travel,
            "accesses": (
                accesses_of(person=application.applicant)[:ACCESSES_SHOWN] if may_read_log else None
            ),
        },
    )
