"""Mail servers for tests: one that is down."""

from django.core.mail.backends.base import BaseEmailBackend


class DownBackend(BaseEmailBackend):
    """A mail server that refuses every connection, as one being restarted does."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
