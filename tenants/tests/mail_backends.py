"""Email backends for tests (set with settings.EMAIL_BACKEND)."""
import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingSmtpBackend(BaseEmailBackend):
    """Every send fails as an unreachable SMTP relay would."""

    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += 1
        raise smtplib.SMTPServerDisconnected("relay closed the connection")
