"""Workbooks the desk hands out: small ones at once, large ones built by the task worker.

Each kind of export registers a builder here (see each app's `exports` module, imported when
the app is ready); the view and the worker build through it, so both build the same thing.
A workbook over `settings.EXPORT_QUEUE_ROWS` rows, and one whose size is not known up front
(the cohort report), is queued: the asker lands on its page, which shows it queued, being
built, ready or failed, and only the asker, while they hold the kind's permission, may
download it. Files are deleted after `settings.EXPORT_KEEP_DAYS` days.
"""

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .enums import ExportStatus
from .models import Cohort, Export, User
from .rules import passed_second_factor
from .tasks import build_export
from .xlsx import XlsxExport

logger = logging.getLogger(__name__)

# A build that has not finished in this time was cut off (its worker stopped).
BUILD_CUT_OFF = timedelta(hours=1)
# A queued build not started in this time may have lost its task: the sweep hands it again.
QUEUED_LOST_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class ExportKind:
    label: str  # what the export is called on its page; %(cohort)s is its cohort's name
    permission: str
    build: Callable[..., XlsxExport]


KINDS: dict[str, ExportKind] = {}


def export_kind(name: str, *, permission: str, label: str):
    """Register `build(*, user, **params) -> XlsxExport` as the builder of exports `name`."""

    def register(build):
        KINDS[name] = ExportKind(label=label, permission=permission, build=build)
        return build

    return register


def workbook_response(request, kind: str, **params):
    """The workbook as a download if it is small, else queued and the asker sent to its page."""
    exporter = KINDS[kind].build(user=request.user, **params)
    size = exporter.size()
    if size is not None and size <= settings.EXPORT_QUEUE_ROWS:
        return exporter.response()
    return redirect(export_queue(kind=kind, params=params, user=request.user))


def export_queue(*, kind: str, params: dict, user: User) -> Export:
    export = Export.objects.create(
        kind=kind,
        title=_title(KINDS[kind].label, params)[:200],
        params=params,
        requested_by=user,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        queued_at=timezone.now(),
        verified=bool(passed_second_factor.test(user)),
    )
    transaction.on_commit(partial(build_export.enqueue, pk=export.pk))
    return export


def _title(label: str, params: dict) -> str:
    if "cohort" not in params:
        return str(label)
    return str(label) % {"cohort": Cohort.objects.get(slug=params["cohort"]).name}


def export_build(*, pk: int) -> None:
    """Build one queued export into private storage; only the run that claims it builds it."""
    claimed = Export.objects.filter(pk=pk, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    export = Export.objects.select_related("requested_by").get(pk=pk)
    asker = export.requested_by
    # The worker has no session: the asker reads as they did when asking, second factor or not
    # (as django-otp's middleware marks a user on a request).
    asker.otp_device = None
    asker.is_verified = lambda: export.verified
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as spool:
            exporter = KINDS[export.kind].build(user=asker, **export.params)
            exporter.write(spool)
            spool.seek(0)
            export.file.save(exporter.get_filename(), File(spool), save=False)
    except Exception as error:
        logger.exception("Export %s (%s) failed", pk, export.kind)
        # Only the kind of error: its text may hold a path or a row's data (see the log).
        with translation.override(export.language):
            message = _("The workbook could not be built (%(error)s); ask for it again.")
        Export.objects.filter(pk=pk).update(
            status=ExportStatus.FAILED,
            error=message % {"error": type(error).__name__},
            finished_at=timezone.now(),
        )
        return
    Export.objects.filter(pk=pk).update(
        status=ExportStatus.READY, file=export.file.name, finished_at=timezone.now()
    )


def exports_sweep() -> int:
    """The scheduler's sweep: builds cut off fail, queued builds whose task was lost (the
    worker stopped before the commit's enqueue, say) are handed to the worker again."""
    now = timezone.now()
    Export.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - BUILD_CUT_OFF).update(
        status=ExportStatus.FAILED,
        error=_("The build was cut off; ask for it again."),
        finished_at=now,
    )
    lost = list(
        Export.objects.filter(
            status=ExportStatus.QUEUED, queued_at__lt=now - QUEUED_LOST_AFTER
        ).values_list("pk", flat=True)
    )
    Export.objects.filter(pk__in=lost).update(queued_at=now)
    for pk in lost:
        build_export.enqueue(pk=pk)
    return len(lost)


def exports_purge() -> int:
    """Delete exports and their files after the kept days. A file that cannot be deleted now
    (storage down) keeps its row for the next night; the others go on."""
    old = Export.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS)
    )
    purged = 0
    for export in old:
        try:
            if export.file:
                export.file.delete(save=False)
        except Exception:
            logger.exception("Export %s: its file could not be deleted", export.pk)
            continue
        export.delete()
        purged += 1
    return purged


def export_readable(export: Export, user) -> bool:
    """Only who asked for it, and only while they may still read what it holds."""
    return export.requested_by_id == user.pk and user.has_perm(KINDS[export.kind].permission)


# The applicants' own kind: the staff list of applications, as filtered on its page.


@export_kind("applications", permission="applicants.view_application", label=_lazy("Applications"))
def applications_workbook(*, user, query: str):
    from .exporters import ApplicationExporter
    from .filters import ApplicationFilter, valid_rows
    from .selectors import applications_for_staff

    rows = valid_rows(ApplicationFilter(QueryDict(query), queryset=applications_for_staff()))
    return ApplicationExporter(applications=rows, user=user)
