"""Work the task worker does for applicants: mail, and offers past their deadline."""

from django_tasks import task


@task()
def send_outbox_message(*, pk: int) -> None:
    from .mail import mail_deliver

    mail_deliver(pk=pk)


@task()
def retry_mail() -> int:
    """The scheduler's sweep: mail whose next attempt is due."""
    from .mail import mail_retry_due

    return mail_retry_due()


@task()
def expire_offers() -> int:
    from .services import offers_expire

    return offers_expire()


@task()
def build_export(*, pk: int) -> None:
    from .exports import export_build

    export_build(pk=pk)


@task()
def sweep_exports() -> int:
    from .exports import exports_sweep

    return exports_sweep()


@task()
def purge_exports() -> int:
    from .exports import exports_purge

    return exports_purge()


@task()
def purge_personal_data() -> int:
    """Cohorts past their kept days: see `applicants.personal_data`."""
    from .personal_data import personal_data_purge

    return personal_data_purge()
