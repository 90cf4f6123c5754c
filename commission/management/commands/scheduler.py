"""The clock of the desk: on a schedule, it queues tasks for the worker, and does nothing else.

Run one per deployment (`make serve` and the Procfile's `scheduler` do). A second one would
queue each task twice, which is safe, since every task claims its work, but pointless.
"""

import contextlib
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from applicants.tasks import (
    expire_offers,
    purge_exports,
    purge_personal_data,
    retry_mail,
    sweep_exports,
)
from commission.tasks import heartbeat, prune_task_results

logger = logging.getLogger(__name__)


def schedule():
    """Each task, and when it is queued (Korea time)."""
    return [
        (heartbeat, IntervalTrigger(seconds=settings.HEARTBEAT_SECONDS)),
        (retry_mail, CronTrigger(minute="*")),
        (expire_offers, CronTrigger(minute="*/5")),
        (sweep_exports, CronTrigger(minute="*/5")),
        (purge_exports, CronTrigger(hour=3, minute=30)),
        (prune_task_results, CronTrigger(hour=3, minute=45)),
        (purge_personal_data, CronTrigger(hour=4, minute=0)),
    ]


def enqueue(task) -> None:
    """A job of the scheduler's threads: each holds its own database connection, closed after."""
    close_old_connections()
    try:
        task.enqueue()
    except Exception:  # a database down for a moment: the next tick tries again
        logger.exception("Could not queue %s", task.name)
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Queue the desk's scheduled tasks for the worker (heartbeat, mail, offers, exports)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="queue every task once, now, and exit"
        )

    def handle(self, *args, once, **options):
        jobs = schedule()
        if once:
            for task, _trigger in jobs:
                task.enqueue()
                self.stdout.write(f"queued {task.name}")
            return
        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for task, trigger in jobs:
            scheduler.add_job(
                enqueue,
                trigger,
                args=[task],
                id=task.name,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=30,
            )
        # One heartbeat at once: /health/ need not wait a whole interval after a deploy.
        scheduler.add_job(enqueue, args=[heartbeat], id="first-heartbeat")
        self.stdout.write("Scheduler started: " + ", ".join(task.name for task, _ in jobs))
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops it quietly
            scheduler.start()
