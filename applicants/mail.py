"""E-mail through the outbox: written in the request, delivered by a task, retried until sent.

Every mail is an `OutboxMessage` first, in the same transaction as what it is about, so a
rolled-back change sends nothing and a mail server that is down loses nothing. A task claims
the message and hands it to the mail server; a failed attempt is tried again after
`RETRY_AFTER` (the scheduler's `retry_mail` sweep finds it), and after the last it stays
failed, with its error, in the desk's outbox until staff send it again.
"""

import logging
from datetime import timedelta
from functools import partial

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .enums import UNSENT_MAIL, MailKind, MailStatus
from .models import Application, OutboxMessage
from .tasks import send_outbox_message
from .text import one_line

logger = logging.getLogger(__name__)

# Waits after the first, second... failed attempt: eight attempts over about ten hours.
RETRY_AFTER = tuple(timedelta(minutes=minutes) for minutes in (1, 5, 15, 30, 60, 180, 360))
# An attempt that has not finished by then was cut off (its worker stopped): it is tried again.
SENDING_CUT_OFF = timedelta(minutes=10)


def mail_render(*, template: str, context: dict) -> dict[str, str]:
    subject = render_to_string(f"{template}_subject.txt", context)
    return {
        "subject": " ".join(one_line(subject).split()),
        "body": render_to_string(f"{template}.txt", context),
        "html": render_to_string(f"{template}.html", context),
    }


def send_templated_mail(
    *,
    to: str,
    template: str,
    context: dict,
    kind: MailKind,
    application: Application | None = None,
    secret: bool = False,
) -> OutboxMessage:
    """Write a mail into the outbox and send it once the transaction commits."""
    message = OutboxMessage.objects.create(
        to=to,
        kind=kind,
        application=application,
        secret=secret,
        status=MailStatus.QUEUED,
        next_attempt_at=timezone.now(),
        queued_at=timezone.now(),
        **mail_render(template=template, context=context),
    )
    transaction.on_commit(partial(send_outbox_message.enqueue, pk=message.pk))
    return message


def mail_queue(*, messages) -> list[OutboxMessage]:
    """Queue held or failed messages for sending after the commit; returns those queued."""
    now = timezone.now()
    queued = []
    for message in messages:
        if OutboxMessage.objects.filter(pk=message.pk, status__in=UNSENT_MAIL).update(
            status=MailStatus.QUEUED, attempts=0, next_attempt_at=now, queued_at=now
        ):
            transaction.on_commit(partial(send_outbox_message.enqueue, pk=message.pk))
            queued.append(message)
    return queued


def mail_deliver(*, pk: int) -> None:
    """One attempt at one message. Only the attempt that claims it sends it: a task run twice,
    or a sweep that queued it again meanwhile, sends nothing more."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        pk=pk,
        status=MailStatus.QUEUED,
    ).update(status=MailStatus.SENDING, attempts=F("attempts") + 1, next_attempt_at=now)
    if not claimed:
        return
    message = OutboxMessage.objects.get(pk=pk)
    email = EmailMultiAlternatives(subject=message.subject, body=message.body, to=[message.to])
    email.attach_alternative(message.html, "text/html")
    try:
        email.send()
    except Exception as error:  # refused, timed out, rejected: each is tried again
        _attempt_failed(message, error)
        return
    done = {"status": MailStatus.SENT, "sent_at": timezone.now(), "error": ""}
    if message.secret:
        done |= {"body": "", "html": ""}
    _finish(message, next_attempt_at=None, **done)


def _attempt_failed(message: OutboxMessage, error: Exception) -> None:
    text = f"{type(error).__name__}: {error}"[:1000]
    if message.attempts > len(RETRY_AFTER):
        logger.error("Mail %s failed for good: %s", message.pk, text)
        change = {"status": MailStatus.FAILED, "next_attempt_at": None}
    else:
        logger.warning("Mail %s failed, tried again later: %s", message.pk, text)
        wait = RETRY_AFTER[message.attempts - 1]
        change = {"status": MailStatus.QUEUED, "next_attempt_at": timezone.now() + wait}
    _finish(message, error=text, **change)


def _finish(message: OutboxMessage, **change) -> None:
    """Record how this attempt ended, unless it was cut off meanwhile and another attempt took
    the message over: a late answer must not queue a message sent since."""
    OutboxMessage.objects.filter(
        pk=message.pk, status=MailStatus.SENDING, attempts=message.attempts
    ).update(**change)


def mail_retry_due() -> int:
    """Queue a task for every message whose time has come; returns how many.

    A message already handed to the worker since it fell due is left alone for
    SENDING_CUT_OFF: a stopped worker finds one task per message, not one per tick.
    """
    now = timezone.now()
    OutboxMessage.objects.filter(
        status=MailStatus.SENDING, next_attempt_at__lt=now - SENDING_CUT_OFF
    ).update(status=MailStatus.QUEUED, next_attempt_at=now)
    due = list(
        OutboxMessage.objects.filter(status=MailStatus.QUEUED, next_attempt_at__lte=now)
        .filter(
            Q(queued_at__isnull=True)
            | Q(queued_at__lt=F("next_attempt_at"))
            | Q(queued_at__lt=now - SENDING_CUT_OFF)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=due).update(queued_at=now)
    for pk in due:
        send_outbox_message.enqueue(pk=pk)
    return len(due)
