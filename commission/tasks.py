"""The desk's own background work."""

from django.utils import timezone
from django_tasks import task


@task()
def heartbeat() -> None:
    """Run by the worker when the scheduler asks: `/health/` reads how long ago that was."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name="worker", defaults={"at": timezone.now()})


@task()
def prune_task_results() -> int:
    """Forget finished tasks after TASK_RESULTS_KEEP_DAYS: the scheduler's ticks alone leave
    thousands a day in the database backend's table. Nothing to do on other backends."""
    from django.conf import settings
    from django.core.management import call_command

    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return 0
    call_command("prune_db_task_results", min_age_days=settings.TASK_RESULTS_KEEP_DAYS, verbosity=0)
    return 1
