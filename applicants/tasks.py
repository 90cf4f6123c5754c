from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, html: str, to: list[str]) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


@task()
def send_outbox_message(*, pk: int) -> None:
    """Send one outbox message; it counts as sent only once the mail server took it."""
    from .models import OutboxMessage

    message = OutboxMessage.objects.get(pk=pk)
    if message.sent_at is not None:
        return
    send_email.call(subject=message.subject, body=message.body, html=message.html, to=[message.to])
    OutboxMessage.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now())
