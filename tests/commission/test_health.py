"""`/health/` tells a load balancer whether the database answers and the worker is alive; the
scheduler queues the worker's heartbeat and the rest of the desk's timed work."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import default_task_backend

from commission.models import Heartbeat

pytestmark = pytest.mark.django_db

WITH_WORKER = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def health(client, **headers):
    response = client.get("/health/", **headers)
    return response.status_code, json.loads(response.content)


def test_health_without_a_worker_reports_the_database_and_tasks_run_in_the_request(client):
    status, body = health(client)

    assert status == 200
    assert body == {
        "status": "ok",
        "database": {"ok": True},
        "worker": {"ok": True, "mode": "immediate"},
    }


def test_health_answers_a_balancer_over_plain_http_by_address_with_no_session(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["desk.example.org"]

    response = client.get("/health/", HTTP_HOST="10.0.0.5")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    # Every other page still refuses that host.
    assert client.get("/", HTTP_HOST="10.0.0.5").status_code == 400


def test_health_reads_the_age_of_the_workers_heartbeat(client, settings):
    settings.TASKS = WITH_WORKER
    settings.WORKER_SILENT_AFTER = 300

    status, body = health(client)
    assert status == 503
    assert body["worker"] == {"ok": False, "last_heartbeat_seconds": None, "limit_seconds": 300}

    Heartbeat.objects.create(name="worker", at=timezone.now() - timedelta(seconds=30))
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert 30 <= body["worker"]["last_heartbeat_seconds"] < 40

    Heartbeat.objects.update(at=timezone.now() - timedelta(seconds=301))
    status, body = health(client)
    assert status == 503
    assert body["status"] == "failing"
    assert body["worker"]["ok"] is False


def test_a_balancer_asks_for_the_database_alone_and_a_stopped_worker_does_not_fail_it(
    client, settings
):
    settings.TASKS = WITH_WORKER  # and no heartbeat: the worker is silent

    assert health(client)[0] == 503
    status, body = health(client, QUERY_STRING="only=database")
    assert status == 200
    assert body == {"status": "ok", "database": {"ok": True}}


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("commission.health.connection.cursor", down)

    status, body = health(client)

    assert status == 503
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["worker"] == {"ok": False}


def test_the_scheduler_queues_each_timed_task(settings):
    settings.TASKS = WITH_WORKER
    out = StringIO()

    call_command("scheduler", "--once", stdout=out)

    queued = [result.task.name for result in default_task_backend.results]
    assert queued == [
        "heartbeat",
        "retry_mail",
        "expire_offers",
        "sweep_exports",
        "purge_exports",
        "prune_task_results",
        "purge_personal_data",
    ]
    assert "queued expire_offers" in out.getvalue()


def test_the_heartbeat_task_records_when_the_worker_ran():
    call_command("scheduler", "--once", stdout=StringIO())  # tasks run at once here

    beat = Heartbeat.objects.get(name="worker")
    assert timezone.now() - beat.at < timedelta(seconds=5)
