"""The desk's own background work."""

from django.utils import timezone
from django_tasks import task


@task()
def heartbeat() -> None:
    """Run by the worker when the scheduler asks: `/health/` reads how long ago that was."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})
