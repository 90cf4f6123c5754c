"""`make bench`: figures as ratios against a baseline run in the same process.

Each benchmark builds its data in a throw-away test database, measures the small case (the
baseline) and the large case, and prints both with their ratio. A query count that grows with
the data is a failure (exit 1); times are for reading, never asserted. Last, a deadline rush on
the production shape, `make serve` on PostgreSQL (bench/rush.py): a failed request or a lost
submission fails the bench too.
"""

import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")
# Production's task backend: the cohort report is queued here and built by a worker process,
# and the bench database needs the queue's tables for it.
os.environ.setdefault("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from bench import dashboard, homes, reports, rush, shoots, support  # noqa: E402


def fetch(client, url):
    response = client.get(url)
    if response.streaming:  # a streamed export does its work while it is read
        b"".join(response.streaming_content)
    return response


def measure(client, url, repeat=5):
    # Every page starts from the same caches, whichever page or size ran before it.
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        fetch(client, url)
    # Read the count now: every request start empties Django's query log.
    count = len(queries)
    started = time.perf_counter()
    for _run in range(repeat):
        response = fetch(client, url)
    assert response.status_code == 200, (url, response.status_code)
    return count, (time.perf_counter() - started) / repeat


def login(client, user):
    """Log in as after the password and, for staff who read personal data, the second factor:
    the bench measures the pages as they are read, unmasked and with reads logged."""
    import rules
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    if rules.has_perm("applicants.needs_second_factor", user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="Authenticator", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def main():
    setup_test_environment()
    folder = None
    if connection.vendor == "sqlite":
        # A file, not memory: the report's bench runs the task worker as its own process.
        folder = tempfile.mkdtemp(prefix="bench-")
        connection.settings_dict["TEST"]["NAME"] = str(Path(folder) / "bench.sqlite3")
    database = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        for title, small, large, pages, populate in [
            (*benchmark, module.populate)
            for module in (homes, shoots, support, dashboard)
            for benchmark in module.BENCHMARKS
        ]:
            print(f"\n{title}")
            results = {}
            for size in (small, large):
                users = populate(size)
                for page, (url, user_key, _batch) in pages.items():
                    client = Client()
                    login(client, users[user_key])
                    results[(page, size)] = measure(client, url)
            for page, (_url, _user, batch) in pages.items():
                q_small, t_small = results[(page, small)]
                q_large, t_large = results[(page, large)]
                # A streamed export reads in batches: one more query a batch, no more.
                allowed = math.ceil(large / batch) - math.ceil(small / batch) if batch else 0
                ok = q_large - q_small == allowed
                failures += not ok
                verdict = f"(one query a {batch} rows)" if batch else "(constant)"
                print(
                    f"  {page:<16} queries {q_small:>3} at {small:>5} rows, {q_large:>3} at"
                    f" {large:>5} rows: ratio {q_large / q_small:.2f}"
                    f" {verdict if ok else '(GROWS: fix it)'};"
                    f" time ratio {t_large / t_small:.2f}"
                    f" ({t_small * 1000:.1f} ms -> {t_large * 1000:.1f} ms)"
                )
        failures += reports.run()
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)
        teardown_test_environment()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    # The production shape on its own database, with make serve: see bench/rush.py.
    failures += rush.run()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
