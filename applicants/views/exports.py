"""A staff member's workbooks built by the task worker: their state, and the file once ready."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from rules.contrib.views import permission_required

from ..downloads import private_file_response
from ..enums import ExportStatus
from ..exports import export_readable
from ..models import Export
from ..xlsx import CONTENT_TYPE

RECENT = 30


def _own_export(request, pk) -> Export:
    export = get_object_or_404(Export, pk=pk)
    if not export_readable(export, request.user):
        raise Http404
    return export


@login_required
@permission_required("applicants.ask_for_export", raise_exception=True)
@require_GET
def export_list(request):
    exports = list(Export.objects.filter(requested_by=request.user)[:RECENT])
    return render(
        request,
        "applicants/exports/list.html",
        {
            "exports": exports,
            "pending": any(export.pending for export in exports),
            "keep_days": settings.EXPORT_KEEP_DAYS,
        },
    )


@login_required
@permission_required("applicants.ask_for_export", raise_exception=True)
@require_GET
def export_detail(request, pk):
    export = _own_export(request, pk)
    return render(
        request,
        "applicants/exports/detail.html",
        {"export": export, "keep_days": settings.EXPORT_KEEP_DAYS},
    )


@login_required
@permission_required("applicants.ask_for_export", raise_exception=True)
@require_GET
def export_download(request, pk):
    export = _own_export(request, pk)
    if export.status != ExportStatus.READY:
        raise Http404
    return private_file_response(
        export.file, filename=export.file.name.rsplit("/", 1)[-1], content_type=CONTENT_TYPE
    )
