"""`GET /health/` for load balancers and monitors: is the database up, is the worker alive?

Answered by a middleware ahead of every other, so it needs no login, no session, no allowed
host (a balancer asks by IP address) and no HTTPS redirect (it asks over plain HTTP behind the
TLS proxy). It names no person and no setting: 200 when all is well, else 503.

A stopped worker fails every app server's `/health/` at once, which is right for a monitor and
wrong for a balancer (it would take every server out): balancers ask `/health/?only=database`.
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.backends.immediate import ImmediateBackend

PATH = "/health/"


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True}


def _worker() -> dict:
    """The age of the worker's last heartbeat; silent past the limit is down. Without a worker
    (tasks run inside the request), there is nothing to wait for."""
    if isinstance(task_backends["default"], ImmediateBackend):
        return {"ok": True, "mode": "immediate"}
    from .models import Heartbeat

    limit = settings.WORKER_SILENT_AFTER
    try:
        beat = Heartbeat.objects.filter(name="worker").values_list("at", flat=True).first()
    except DatabaseError:
        return {"ok": False, "error": "database unavailable", "limit_seconds": limit}
    if beat is None:
        return {"ok": False, "last_heartbeat_seconds": None, "limit_seconds": limit}
    age = round((timezone.now() - beat).total_seconds(), 1)
    return {"ok": age <= limit, "last_heartbeat_seconds": age, "limit_seconds": limit}


def health_response(*, worker: bool = True) -> JsonResponse:
    checks = {"database": _database()}
    if worker:
        checks["worker"] = _worker() if checks["database"]["ok"] else {"ok": False}
    healthy = all(check["ok"] for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503
    )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PATH and request.method in ("GET", "HEAD"):
            return health_response(worker=request.GET.get("only") != "database")
        return self.get_response(request)
