"""A deadline rush on the production shape: 500 applicants submit from 50 clients at once.

`make serve` (gunicorn, the task worker and the scheduler, production settings) runs on a fresh
PostgreSQL database, `bench_rush`, holding 500 applicants, each with a complete draft and its
documents. Fifty client threads take one applicant at a time: load the login page, sign in,
then submit and load a trivial page, in a random order. Printed: errors (goal 0); lost
submissions, acknowledged but not stored or stored but not acknowledged (goal 0); and the
submit's p95 against the trivial page's p95 under the same load (goal at most 1.5). The trivial
page is the login page loaded without a session: every middleware, one template, a CSRF
cookie, no query. Errors and lost submissions fail the bench; times are for reading.

Bounded: at most 500 submissions, 300 s for the rush, 60 s for any one request, and only
127.0.0.1 is ever asked. The database is dropped and nothing started is left running.

`python -m bench.rush` runs it alone; `python -m bench` runs it last.
"""

import contextlib
import http.client
import json
import math
import os
import queue
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only host the rush ever asks
PORT = int(os.environ.get("BENCH_RUSH_PORT", "8090"))
# Where to create and drop the rush's database; its name always starts with "bench".
ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "bench_rush"
APPLICANTS = 500
CLIENTS = 50
TIME_LIMIT = 300  # seconds for the rush; no applicant is started after it
REQUEST_TIMEOUT = 60
START_LIMIT = 180  # seconds for make serve to migrate, collect static files and be healthy
STOP_LIMIT = 30
RECEIPT_WAIT = 60  # seconds the worker is given to send the receipts after the rush
GOAL_RATIO = 1.5
PASSWORD = "a-long-bench-password-42"  # noqa: S105 (the bench applicants')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# gunicorn's access log, as the rush asks for it: method, path, status, microseconds.
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(D)s"
ACCESS = re.compile(r"\| ([A-Z]+) (\S+) (\d{3}) (\d+)$", re.MULTILINE)


# In child processes, against the rush database: Django is set up there, never here.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commission.settings")
    import django

    django.setup()


def prepare(applicants: int) -> dict:
    """Migrate, then one open cohort and `applicants` complete drafts with their documents, all
    with one password; returns the URLs the clients need."""
    _django()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import override_settings
    from django.urls import reverse

    from applicants.models import User
    from tests.factories import CohortFactory, CompleteApplicationFactory

    call_command("migrate", verbosity=0)
    cohort = CohortFactory(slug="bench-rush")
    # Argon2 is slow on purpose: the factories' passwords by a fast hasher, then one Argon2
    # hash for all.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        drafts = [
            CompleteApplicationFactory(
                cohort=cohort, applicant__email=f"rush{number}@example.org", with_documents=True
            )
            for number in range(applicants)
        ]
    users = User.objects.filter(pk__in=[draft.applicant_id for draft in drafts])
    users.update(password=make_password(PASSWORD))
    return {
        "login": reverse("login"),
        "applicants": [
            {
                "email": draft.applicant.email,
                "pk": draft.pk,
                "submit": reverse("application_submit", kwargs={"pk": draft.pk}),
                "receipt": reverse("application_detail", kwargs={"pk": draft.pk}),
            }
            for draft in drafts
        ],
    }


def count(wait: int) -> dict:
    """The applications stored as submitted, and the receipts' states once the worker has sent
    them all or `wait` seconds have passed."""
    _django()
    from applicants.enums import ApplicationStatus, MailKind, MailStatus
    from applicants.models import Application, OutboxMessage

    receipts = OutboxMessage.objects.filter(kind=MailKind.RECEIPT)
    started = time.monotonic()
    while time.monotonic() - started < wait:
        if not receipts.filter(status__in=(MailStatus.QUEUED, MailStatus.SENDING)).exists():
            break
        time.sleep(1)
    states = dict.fromkeys(MailStatus.values, 0)
    for status in receipts.values_list("status", flat=True):
        states[status] += 1
    submitted = Application.objects.filter(status=ApplicationStatus.SUBMITTED)
    return {
        "submitted": list(submitted.values_list("pk", flat=True)),
        "receipts": states,
        "waited": round(time.monotonic() - started, 1),
    }


def in_child(step: str, argument: int, env: dict) -> dict:
    """`prepare` or `count`, run as its own process with the server's environment."""
    with tempfile.NamedTemporaryFile(suffix=".json") as answer:
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "-m", "bench.rush", step, str(argument), answer.name],
            check=True,
            cwd=BASE_DIR,
            env=env,
        )
        return json.loads(Path(answer.name).read_text())


# The database.


def database_url() -> str:
    parts = urlsplit(ADMIN_URL)
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def recreate_database(create: bool = True) -> None:
    """Drop the rush's database (its connections too), and create it afresh if asked."""
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')


# The clients.


def ask(method: str, path: str, cookies: dict, form: dict | None = None):
    """One request to the server under test, on a connection of its own; returns the status,
    the headers, the body and the seconds from connecting to the last byte. Cookies are kept
    by hand: the production cookies are marked Secure, and this is plain HTTP on loopback."""
    if HOST != "127.0.0.1":
        raise ValueError("the rush asks 127.0.0.1 and nothing else")
    headers = {"Host": HOST}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, PORT, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - started
    for header in response.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value and morsel["max-age"] != "0":
                cookies[name] = morsel.value
            else:
                cookies.pop(name, None)
    return response.status, response.headers, content, seconds


class Rush:
    """What the clients saw: times per kind of request, errors, acknowledged submissions."""

    def __init__(self, login: str):
        self.login = login
        self.times = {"page": [], "login": [], "submit": []}
        self.errors = []
        self.acknowledged = set()
        self.lock = threading.Lock()

    def error(self, step: str, what) -> None:
        with self.lock:
            self.errors.append(f"{step}: {what}")

    def apply(self, applicant: dict) -> None:
        """One applicant at the deadline: the login page, sign in, then the submit and one
        trivial page in a random order. Each client's requests follow one another, so a
        request's wait depends on what came just before it; the random order gives the submit
        and the trivial page the same waits to meet."""
        cookies = {}
        status, _headers, content, _seconds = ask("GET", self.login, cookies)
        token = TOKEN.search(content.decode(errors="replace"))
        if status != 200 or not token:
            self.error("login page", status)
            return
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": applicant["email"],
            "password": PASSWORD,
        }
        status, headers, _content, seconds = ask("POST", self.login, cookies, form)
        if status != 302 or headers["Location"].startswith(self.login):
            self.error("login", status)
            return
        self.times["login"].append(seconds)
        steps = [partial(self.submit, applicant, cookies), self.page]
        random.shuffle(steps)
        for step in steps:
            step()

    def submit(self, applicant: dict, cookies: dict) -> None:
        form = {"csrfmiddlewaretoken": cookies.get("csrftoken", "")}
        status, headers, _content, seconds = ask("POST", applicant["submit"], cookies, form)
        if status != 302 or headers["Location"] != applicant["receipt"]:
            self.error("submit", f"{status} {headers.get('Location', '')}".strip())
            return
        self.times["submit"].append(seconds)
        with self.lock:
            self.acknowledged.add(applicant["pk"])

    def page(self) -> None:
        """The trivial page: the login page, without a session."""
        status, _headers, _content, seconds = ask("GET", self.login, {})
        if status != 200:
            self.error("trivial page", status)
            return
        self.times["page"].append(seconds)

    def client(self, work: queue.Queue, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                applicant = work.get_nowait()
            except queue.Empty:
                return
            try:
                self.apply(applicant)
            except (OSError, http.client.HTTPException) as error:
                self.error("connection", type(error).__name__)

    def run(self, applicants: list) -> tuple[float, int]:
        """Every applicant through `CLIENTS` threads; returns the seconds taken and how many
        applicants the time limit left out."""
        work = queue.Queue()
        for applicant in applicants[:APPLICANTS]:
            work.put(applicant)
        started = time.monotonic()
        deadline = started + TIME_LIMIT
        threads = [
            threading.Thread(target=self.client, args=(work, deadline)) for _n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.monotonic() - started, work.qsize()


def percentile(values: list, share: float) -> float:
    """Nearest rank: the smallest value at least `share` of the values are no larger than."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


# The server.


def port_taken() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, PORT)) == 0


def sessions_of(root: int) -> set[int]:
    """The sessions of `root` and of everything below it (honcho starts each process of the
    Procfile in a session of its own; gunicorn's workers share their master's)."""
    parents, sessions = {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            parents[int(entry.name)] = int(fields[1])
            sessions[int(entry.name)] = int(fields[3])
    found, below = {root}, [root]
    while below:
        parent = below.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found.update(children)
        below.extend(children)
    return {sessions[pid] for pid in found if pid in sessions}


def left_in(sessions: set[int]) -> list[int]:
    """Processes still alive in those sessions, wherever they were moved to."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) in sessions and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def wait_healthy(server: subprocess.Popen) -> bool:
    deadline = time.monotonic() + START_LIMIT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if ask("GET", "/health/", {})[0] == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    return False


def stop(server: subprocess.Popen, sessions: set[int]) -> list[int]:
    """Ctrl-C to make serve's process group, as at a terminal; whatever outlives it is killed.
    Returns what had to be killed."""
    sessions |= sessions_of(server.pid)
    try:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(STOP_LIMIT)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    deadline = time.monotonic() + STOP_LIMIT
    while left_in(sessions) and time.monotonic() < deadline:
        time.sleep(0.5)
    stragglers = left_in(sessions)
    for pid in stragglers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return stragglers


def server_log(path: Path, start: int, login: str) -> tuple[dict, int, int]:
    """From make serve's output after `start` (before it, /health/ answers 503 until the
    worker's first heartbeat): gunicorn's own time for each kind of request, from reading it to
    answering, without the wait for a free worker; responses 5xx; tracebacks."""
    with path.open("rb") as output:
        output.seek(start)
        text = output.read().decode(errors="replace")
    times, failed = {"submit": [], "page": [], "login": []}, 0
    for method, url, status, micros in ACCESS.findall(text):
        failed += status.startswith("5")
        if url == login:
            times["page" if method == "GET" else "login"].append(int(micros) / 1e6)
        elif method == "POST" and url.endswith("/submit/"):
            times["submit"].append(int(micros) / 1e6)
    return times, failed, text.count("Traceback (most recent call last)")


def serve_env(folder: Path) -> dict:
    """make serve's environment: production settings on the rush's database, files in
    `folder`, the receipts sent by the worker into memory (no mail server here)."""
    return {
        **os.environ,
        "DJANGO_ENV": "production",
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "DJANGO_MEDIA_ROOT": str(folder / "uploads"),
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "HOST": HOST,
        "PORT": str(PORT),
        # Only the access log's format changes: it gives gunicorn's own time of each request.
        "GUNICORN_CMD_ARGS": f"--access-logformat '{ACCESS_FORMAT}'",
    }


def run() -> int:
    """Print the figures; 1 if a request failed or a submission was lost."""
    workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count() * 2 + 1)
    print(
        f"\nDeadline rush: {APPLICANTS} submissions from {CLIENTS} clients to make serve"
        f" (gunicorn {workers} workers, db_worker, scheduler) on PostgreSQL"
    )
    if port_taken():
        print(f"  NOT RUN: something already answers on {HOST}:{PORT} (BENCH_RUSH_PORT)")
        return 1
    try:
        recreate_database()
    except psycopg.OperationalError as error:
        print(f"  NOT RUN: no PostgreSQL at {ADMIN_URL} (BENCH_POSTGRES_URL): {error}")
        return 1
    folder = Path(tempfile.mkdtemp(prefix="bench-rush-"))
    log = folder / "serve.log"
    env = serve_env(folder)
    server, sessions = None, set()
    try:
        started = time.monotonic()
        data = in_child("prepare", APPLICANTS, env)
        prepared = time.monotonic() - started
        started = time.monotonic()
        with log.open("wb") as output:
            server = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],  # noqa: S607 (make from PATH)
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        if not wait_healthy(server):
            print(f"  NOT RUN: make serve was not healthy within {START_LIMIT} s; see {log}")
            return 1
        healthy_at = log.stat().st_size
        sessions = sessions_of(server.pid)
        print(
            f"  {APPLICANTS} complete drafts with documents prepared in {prepared:.0f} s;"
            f" make serve healthy in {time.monotonic() - started:.0f} s"
            " (migrate, collectstatic, /health/ 200)"
        )
        rush = Rush(data["login"])
        took, left_out = rush.run(data["applicants"])
        stored = in_child("count", RECEIPT_WAIT, env)
    finally:
        stragglers = stop(server, sessions) if server else []
        recreate_database(create=False)
        for files in ("uploads", "static"):
            shutil.rmtree(folder / files, ignore_errors=True)
    print(
        f"  {len(rush.acknowledged)} acknowledged in {took:.0f} s"
        + (f", {left_out} not tried within the {TIME_LIMIT} s limit" if left_out else "")
    )
    failures = report(rush, stored, *server_log(log, healthy_at, data["login"]))
    if stragglers:
        print(f"  LEFT RUNNING after Ctrl-C, killed: {stragglers}")
    if failures or left_out or stragglers:
        print(f"  make serve's output is kept in {log}")
        return 1
    shutil.rmtree(folder)
    return 0


def report(rush: Rush, stored: dict, served: dict, failed: int, tracebacks: int) -> int:
    """Print what the clients saw against what was stored; returns how many things failed."""
    submitted = set(stored["submitted"])
    not_stored = rush.acknowledged - submitted
    not_acknowledged = submitted - rush.acknowledged
    lost = len(not_stored) + len(not_acknowledged)
    print(f"  errors {len(rush.errors)} (goal 0)" + "".join(f"; {e}" for e in rush.errors[:5]))
    print(
        f"  lost {lost} (goal 0): {len(submitted)} stored as submitted,"
        f" {len(not_stored)} acknowledged but not stored,"
        f" {len(not_acknowledged)} stored but not acknowledged"
    )
    print("  p50, p95 as the clients saw them; in gunicorn alone (without the wait for a worker):")
    for name, label in [
        ("submit", "submit (POST, signed in)"),
        ("page", "trivial page (GET the login page, no session)"),
        ("login", "login (POST, one Argon2 check)"),
    ]:
        seen, own = rush.times[name], served[name]
        print(
            f"    {label:<46} {ms(seen, 0.5)}, {ms(seen, 0.95)} ({len(seen)} requests);"
            f" in gunicorn {ms(own, 0.5)}, {ms(own, 0.95)}"
        )
    ratio = percentile(rush.times["submit"], 0.95) / percentile(rush.times["page"], 0.95)
    print(f"  submit p95 / trivial page p95: ratio {ratio:.2f} (goal at most {GOAL_RATIO})")
    receipts = stored["receipts"]
    print(
        f"  receipts: {receipts['sent']} sent by the worker, {receipts['queued']} queued,"
        f" {receipts['failed']} failed ({stored['waited']:.0f} s waited for after the rush)"
    )
    print(f"  make serve's log during the rush: {failed} responses 5xx, {tracebacks} tracebacks")
    return len(rush.errors) + lost + failed + tracebacks


def ms(values: list, share: float) -> str:
    return f"{percentile(values, share) * 1000:>5.0f} ms"


def main() -> int:
    if len(sys.argv) == 4:  # a step in its own process: prepare or count
        step, argument, answer = sys.argv[1:]
        result = {"prepare": prepare, "count": count}[step](int(argument))
        Path(answer).write_text(json.dumps(result))
        return 0
    return run()


if __name__ == "__main__":
    sys.exit(main())
