"""E-mail from templates: a subject, a text body and an HTML body, sent after the commit."""

from functools import partial

from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def send_templated_mail(*, to: str, template: str, context: dict) -> None:
    subject = render_to_string(f"{template}_subject.txt", context)
    message = {
        "subject": " ".join(subject.split()),
        "body": render_to_string(f"{template}.txt", context),
        "html": render_to_string(f"{template}.html", context),
        "to": [to],
    }
    # A rolled-back transaction must not have sent mail about it.
    transaction.on_commit(partial(send_email.enqueue, **message))
