"""Large workbooks are built by the task worker: queued at once, shown as they go, handed to
their asker alone, and deleted after the kept days."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from applicants import exports
from applicants.enums import ExportStatus
from applicants.models import Export
from applicants.tasks import purge_exports, sweep_exports
from commission.roles import PROGRAMME_MANAGER
from tests.factories import CohortFactory, PermitFactory, ShootDayFactory, StaffFactory
from tests.workbooks import workbook_of

pytestmark = pytest.mark.django_db

WITH_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def ask_for(client, user, url, capture, **query):
    client.force_login(user)
    with capture(execute=True):
        return client.get(url, query)


def test_a_permit_list_over_the_limit_is_queued_and_handed_to_its_asker_when_ready(
    client, settings, permits_officer, django_capture_on_commit_callbacks
):
    settings.EXPORT_QUEUE_ROWS = 2
    cohort = CohortFactory(name="FLY 2031 Busan")
    days = [ShootDayFactory(production__team__cohort=cohort) for _n in range(3)]
    for day in days:
        PermitFactory(shoot_day=day)
    url = reverse("permit_export", args=[cohort.slug])

    response = ask_for(client, permits_officer, url, django_capture_on_commit_callbacks)

    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("export_detail", args=[export.pk])
    assert export.title == "Permits of FLY 2031 Busan"
    assert export.status == ExportStatus.READY
    assert export.file.name.startswith("exports/")
    page = client.get(response.url).content.decode()
    assert "Ready" in page
    assert "data-export-pending" not in page
    sheet = workbook_of(client.get(reverse("export_download", args=[export.pk])))["Permits"]
    assert sheet.max_row == 4
    # Within the limit it is a download at once, as before.
    settings.EXPORT_QUEUE_ROWS = 3
    assert workbook_of(client.get(url))["Permits"].max_row == 4


def test_a_queued_workbook_shows_queued_until_the_worker_builds_it(
    client, manager, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    client.force_login(manager)
    client.get(reverse("cohort_report", args=[cohort.slug]))  # the worker has not run yet
    export = Export.objects.get()

    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    assert "Queued" in page
    assert "data-export-pending" in page
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
    listing = client.get(reverse("export_list")).content.decode()
    assert f"Report of {cohort.name}" in listing

    exports.export_build(pk=export.pk)
    exports.export_build(pk=export.pk)  # a task run twice builds once
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert Export.objects.count() == 1


def test_only_the_asker_may_read_an_export_and_only_while_they_may_read_its_kind(
    client, manager, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    ask_for(
        client,
        manager,
        reverse("cohort_report", args=[cohort.slug]),
        django_capture_on_commit_callbacks,
    )
    export = Export.objects.get()
    other_manager = StaffFactory(role=PROGRAMME_MANAGER)
    client.force_login(other_manager)
    for name in ("export_detail", "export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    assert f"Report of {cohort.name}" not in client.get(reverse("export_list")).content.decode()

    # The asker who lost the right to the report loses the file too.
    manager.groups.clear()
    manager.user_permissions.clear()
    client.force_login(type(manager).objects.get(pk=manager.pk))
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404


def test_a_build_that_fails_says_so_with_its_error(client, manager, monkeypatch):
    cohort = CohortFactory()

    def broken(**_params):
        raise OSError("No space left on device")

    kind = exports.KINDS["cohort_report"]
    monkeypatch.setitem(
        exports.KINDS, "cohort_report", kind.__class__(kind.label, kind.permission, broken)
    )
    client.force_login(manager)
    export = exports.export_queue(
        kind="cohort_report", params={"cohort": cohort.slug}, user=manager
    )
    exports.export_build(pk=export.pk)

    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    assert "Failed" in page
    assert "The workbook could not be built (OSError); ask for it again." in page
    assert "No space left" not in page  # an error's text may hold a path or a row's data
    assert "data-export-pending" not in page


def test_exports_are_deleted_with_their_files_after_the_kept_days(
    client, settings, manager, django_capture_on_commit_callbacks
):
    settings.EXPORT_KEEP_DAYS = 7
    cohort = CohortFactory()
    ask_for(
        client,
        manager,
        reverse("cohort_report", args=[cohort.slug]),
        django_capture_on_commit_callbacks,
    )
    export = Export.objects.get()
    name = export.file.name
    assert default_storage.exists(name)

    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert purge_exports.call() == 0
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert purge_exports.call() == 1

    assert not Export.objects.exists()
    assert not default_storage.exists(name)


def test_a_build_cut_off_by_a_stopped_worker_fails_after_an_hour(manager):
    cohort = CohortFactory()
    export = exports.export_queue(
        kind="cohort_report", params={"cohort": cohort.slug}, user=manager
    )
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )

    sweep_exports.call()

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == "The build was cut off; ask for it again."
    assert export.finished_at is not None


def test_a_queued_build_whose_task_was_lost_is_handed_to_the_worker_again(settings, manager):
    settings.TASKS = WITH_WORKER
    cohort = CohortFactory()
    with translation.override("en"):
        export = exports.export_queue(
            kind="cohort_report", params={"cohort": cohort.slug}, user=manager
        )  # its enqueue, on commit, never ran: the task is lost
    settings.TASKS = IMMEDIATE

    assert sweep_exports.call() == 0  # not yet: the worker may simply be busy
    with time_machine.travel(timezone.now() + exports.QUEUED_LOST_AFTER + timedelta(minutes=1)):
        assert sweep_exports.call() == 1
        assert sweep_exports.call() == 0  # handed once, not on every tick

    export.refresh_from_db()
    assert export.status == ExportStatus.READY


def test_the_purge_goes_on_past_a_file_it_cannot_delete(
    settings, manager, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, _second = (
            exports.export_queue(
                kind="cohort_report", params={"cohort": CohortFactory().slug}, user=manager
            )
            for _ in range(2)
        )
    first.refresh_from_db()
    old = timezone.now() - timedelta(days=settings.EXPORT_KEEP_DAYS + 1)
    Export.objects.update(created_at=old)
    delete = FieldFile.delete

    def storage_down_for_the_first(file, save=True):
        if file.name == first.file.name:
            raise ConnectionError("storage unreachable")
        delete(file, save)

    monkeypatch.setattr(FieldFile, "delete", storage_down_for_the_first)

    assert purge_exports.call() == 1

    assert list(Export.objects.values_list("pk", flat=True)) == [first.pk]


def test_two_askers_workbooks_of_one_name_are_two_files(
    manager, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    other = StaffFactory(role=PROGRAMME_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        mine, theirs = (
            exports.export_queue(kind="cohort_report", params={"cohort": cohort.slug}, user=user)
            for user in (manager, other)
        )

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.file.name != theirs.file.name
    assert mine.file.name.rsplit("/", 1)[1] == theirs.file.name.rsplit("/", 1)[1]


def test_a_workbook_is_in_its_askers_language(client, manager, django_capture_on_commit_callbacks):
    cohort = CohortFactory()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("cohort_report", args=[cohort.slug]), HTTP_ACCEPT_LANGUAGE="ko")
    export = Export.objects.get()
    assert export.language == "ko"
    workbook = workbook_of(client.get(reverse("export_download", args=[export.pk])))
    with translation.override("ko"):
        assert workbook.sheetnames[0] == gettext("Summary") != "Summary"
