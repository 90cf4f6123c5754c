"""Flights and rooms imported from a workbook, and the template workbook to fill in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from rules.contrib.views import permission_required

from applicants.forms import refusal_text
from applicants.models import Cohort
from applicants.text import file_name

from .. import services
from ..forms.support_import import SupportImportForm
from ..importers import COLUMNS, MAX_ROWS, XLSX, ImportRefused, TravelImport, template_workbook


@login_required
# Imported bookings are stored as arranged: a step only those who arrange may take.
@permission_required(
    ("shoots.add_supportrequest", "shoots.change_supportrequest"), raise_exception=True
)
@require_http_methods(["GET", "POST"])
def support_import(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    form = SupportImportForm()
    errors = []
    if request.method == "POST":
        # Bound even when the file is all it holds (request.POST is then empty).
        form = SupportImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                requests = TravelImport(cohort=cohort).read(form.cleaned_data["workbook"])
                count = services.support_requests_import(
                    cohort=cohort, requests=requests, by=request.user
                )
            except ImportRefused as refusal:
                errors = refusal.errors
            except (services.ShootError, ValidationError) as refusal:
                errors = [refusal_text(refusal)]
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d flight or room imported.",
                        "%(count)d flights and rooms imported.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("travel_board", slug=cohort.slug)
    return render(
        request,
        "shoots/support/import.html",
        {
            "cohort": cohort,
            "form": form,
            "errors": errors,
            "columns": COLUMNS,
            "max_rows": MAX_ROWS,
        },
    )


@login_required
@permission_required("shoots.add_supportrequest", raise_exception=True)
@require_GET
def support_import_template(request, slug):
    cohort = get_object_or_404(Cohort, slug=slug)
    response = HttpResponse(template_workbook(cohort=cohort), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, file_name(f"flights-and-rooms-{cohort.slug}.xlsx")
    )
    return response
