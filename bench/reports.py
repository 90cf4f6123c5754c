"""The cohort report at 20,000 applications: its time against two baselines, and its memory.

Baselines, run in the same process on the same rows: a bare openpyxl write-only dump of the
Applications sheet's fields (no formatting, no neutralising, no scores), and
django-import-export's XLSX export of the same queryset. Then the report as production builds
it: a programme manager's Export queued, and `manage.py db_worker --batch` run as its own
process against the bench database, whose build time (claim to stored file, the worker's own
timestamps) and peak resident size are printed.
"""

import itertools
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from import_export import fields, resources
from openpyxl import Workbook

from applicants.enums import ApplicationStatus, ExportStatus
from applicants.exports import export_queue
from applicants.models import ApplicantProfile, Application, Cohort, Export, User
from applicants.xlsx import write_sheet
from commission.exporters import ApplicationSheet, CohortReport
from commission.models import Assignment, Criterion, Review, Score
from commission.roles import PROGRAMME_MANAGER
from commission.selectors import cohort_scores, report_applications
from tests.factories import CohortFactory, CountryFactory, StaffFactory

APPLICATIONS = 20_000
REVIEWS_EACH = 3  # a full panel: every application read three times, on five criteria
GOAL_RATIO = 1.5
MEMORY_LIMIT_MB = 150
# Names as applicants write them, in every script the call receives.
NAMES = [
    ("Chan Sokha", "ចាន់ សុខា", "KH"),
    ("Khamla Phommachanh", "ຄຳຫລ້າ ພົມມະຈັນ", "LA"),
    ("Aung Ko Ko", "အောင်ကိုကို", "MM"),
    ("Nguyen Thu Ha", "Nguyễn Thu Hà", "VN"),
    ("Somchai Rattanakul", "สมชาย รัตนกุล", "TH"),
    ("Kim Minji", "김민지", "KR"),
    ("=HYPERLINK(1)", "", "SG"),  # a formula, neutralised on the way out
]
STATUSES = [status for status in ApplicationStatus if status != ApplicationStatus.DRAFT]


def populate() -> Cohort:
    countries = [CountryFactory(code=code, name=f"Country {code}") for _l, _n, code in NAMES]
    cohort = CohortFactory(slug="bench-report", eligible_countries=countries)
    now = timezone.now()
    users = User.objects.bulk_create(
        (User(email=f"report{index}@example.org") for index in range(APPLICATIONS)),
        batch_size=2000,
    )
    by_code = {country.code: country for country in countries}
    ApplicantProfile.objects.bulk_create(
        (
            ApplicantProfile(
                user=user,
                legal_name=f"{NAMES[index % len(NAMES)][0]} {index}",
                native_name=NAMES[index % len(NAMES)][1],
                nationality=by_code[NAMES[index % len(NAMES)][2]],
                gender="female" if index % 2 else "male",
                date_of_birth=date(2004, 1, 1) + timedelta(days=index % 2500),
                passport_number=f"P{index:08d}",
            )
            for index, user in enumerate(users)
        ),
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        (
            Application(
                cohort=cohort,
                applicant=user,
                status=status,
                submitted_at=now - timedelta(minutes=index),
                role_1="director",
                role_2="editor",
            )
            for index, (user, status) in enumerate(
                zip(users, itertools.cycle(STATUSES), strict=False)
            )
        ),
        batch_size=2000,
    )
    criteria = [
        Criterion.objects.create(cohort=cohort, name=name, weight=Decimal(1), position=position)
        for position, name in enumerate(["Vision", "Story", "Craft", "Collaboration", "Potential"])
    ]
    panel = [StaffFactory(role="Reviewer") for _n in range(6)]
    assignments = Assignment.objects.bulk_create(
        (
            Assignment(application=application, reviewer=panel[(index + turn) % len(panel)])
            for index, application in enumerate(applications)
            for turn in range(REVIEWS_EACH)
        ),
        batch_size=5000,
    )
    reviews = Review.objects.bulk_create(
        (Review(assignment=assignment, submitted_at=now) for assignment in assignments),
        batch_size=5000,
    )
    Score.objects.bulk_create(
        (
            Score(review=review, criterion=criterion, value=1 + (review.pk + criterion.pk) % 5)
            for review in reviews
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return cohort


def bare_dump(cohort: Cohort, target) -> None:
    """The baseline: the same fields, appended as they come, naive times for Excel."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Applications")
    rows = report_applications(cohort=cohort)  # the rows the Applications sheet reads
    sheet.append(list(rows.query.values_select))
    for row in rows.iterator(chunk_size=2000):
        *head, submitted = row
        sheet.append([*head, submitted.replace(tzinfo=None)])
    workbook.save(target)


def our_sheet(cohort: Cohort, target, scores=None) -> None:
    """The Applications sheet; with `scores` given, the panel's scores are read beforehand (as
    the report reads them once for three sheets), so the dump compares like with like."""
    workbook = Workbook(write_only=True)
    write_sheet(workbook, ApplicationSheet(cohort=cohort, scores=scores).sheet())
    workbook.save(target)


class ApplicationResource(resources.ModelResource):
    """django-import-export's export of the same fields."""

    legal_name = fields.Field(attribute="applicant__profile__legal_name")
    native_name = fields.Field(attribute="applicant__profile__native_name")
    preferred_name = fields.Field(attribute="applicant__profile__preferred_name")
    nationality = fields.Field(attribute="applicant__profile__nationality__name")
    gender = fields.Field(attribute="applicant__profile__gender")
    date_of_birth = fields.Field(attribute="applicant__profile__date_of_birth")

    class Meta:
        model = Application
        fields = [
            "id",
            "legal_name",
            "native_name",
            "preferred_name",
            "nationality",
            "gender",
            "date_of_birth",
            "role_1",
            "role_2",
            "role_3",
            "status",
            "submitted_at",
        ]


def import_export_dump(cohort: Cohort, target) -> None:
    queryset = (
        Application.objects.filter(cohort=cohort)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("applicant__profile__nationality")
        .order_by("pk")
    )
    target.write(ApplicationResource().export(queryset=queryset).export("xlsx"))


def timed(function, cohort, repeat=3, **options) -> float:
    best = float("inf")
    for _run in range(repeat):
        with tempfile.TemporaryFile() as target:
            started = time.perf_counter()
            function(cohort, target, **options)
            best = min(best, time.perf_counter() - started)
    return best


def database_url() -> str:
    """The bench database, for a separate process to read."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# A management command run as its own process. The peak is read from /proc in the child itself:
# a child's getrusage counts the memory of the bench process it was forked from.
CHILD = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")
django.setup()
from django.core.management import call_command
call_command(*sys.argv[1:])
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
"""


def worker_build(cohort: Cohort, media: Path) -> tuple[Export, float, float]:
    """A programme manager's report queued, then built by the task worker as its own process;
    returns the export, the worker process's peak memory in MB and its whole run in seconds."""
    manager = StaffFactory(role=PROGRAMME_MANAGER)
    # Earlier benchmarks' mail, never to be sent: the worker runs the report alone.
    DBTaskResult.objects.all().delete()
    export = export_queue(kind="cohort_report", params={"cohort": cohort.slug}, user=manager)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [
            sys.executable,
            "-c",
            CHILD,
            "db_worker",
            "--batch",
            "--queue-name=*",
            "--no-startup-delay",
            "--no-reload",
        ],
        check=True,
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_TASKS_BACKEND": settings.TASKS["default"]["BACKEND"],
            "DJANGO_MEDIA_ROOT": str(media),
        },
        capture_output=True,
        text=True,
    )
    ran = time.perf_counter() - started
    export.refresh_from_db()
    return export, int(done.stdout.split()[-1]) / 1024, ran  # kB


def run() -> int:
    """Print the figures; 1 if the memory limit is broken (times are for reading)."""
    print(f"\nCohort report at {APPLICATIONS:,} applications, each reviewed {REVIEWS_EACH} times")
    cohort = populate()
    started = time.perf_counter()
    scores = cohort_scores(cohort=cohort)
    scoring = time.perf_counter() - started
    bare = timed(bare_dump, cohort)
    ours = timed(our_sheet, cohort, scores=scores)
    with_scores = timed(our_sheet, cohort, repeat=1)
    theirs = timed(import_export_dump, cohort, repeat=1)
    with tempfile.TemporaryFile() as target:
        started = time.perf_counter()
        CohortReport(cohort=cohort, personal_data=True).write(target)
        whole = time.perf_counter() - started
    print(
        f"  Applications sheet {ours:.2f} s; bare openpyxl write-only dump {bare:.2f} s:"
        f" ratio {ours / bare:.2f} (goal at most {GOAL_RATIO})"
    )
    print(
        f"  the same sheet reading its {APPLICATIONS * REVIEWS_EACH:,} reviews' scores too:"
        f" {with_scores:.2f} s, ratio {with_scores / bare:.2f} (the scores alone {scoring:.2f} s)"
    )
    print(f"  django-import-export XLSX {theirs:.2f} s: ours takes {ours / theirs:.2f} of its time")
    print(f"  whole report, nine sheets, in this process: {whole:.2f} s")
    with tempfile.TemporaryDirectory() as media:
        export, peak, ran = worker_build(cohort, Path(media))
        ready = export.status == ExportStatus.READY
        size = (Path(media) / export.file.name).stat().st_size / 1024 / 1024 if ready else 0
    if not ready:
        print(f"  the worker's build FAILED: {export.status} {export.error}")
        return 1
    built = (export.finished_at - export.started_at).total_seconds()
    print(
        f"  whole report built by the task worker (db_worker --batch, its own process):"
        f" {built:.2f} s from claim to stored file, ratio {built / bare:.2f} to the bare dump"
    )
    print(
        f"    (nine sheets against one sheet's floor; {built / whole:.2f} of the in-process"
        f" build; the worker process ran {ran:.1f} s in all, start-up included)"
    )
    verdict = "within" if peak < MEMORY_LIMIT_MB else "OVER"
    print(
        f"  the worker's peak memory {peak:.0f} MB ({verdict} the {MEMORY_LIMIT_MB} MB limit),"
        f" workbook {size:.1f} MB"
    )
    return 0 if peak < MEMORY_LIMIT_MB else 1
