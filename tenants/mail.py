"""Templated email (text + HTML), sent after the surrounding transaction commits."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string


def mail_send(*, template: str, to: list[str], context: dict) -> None:
    """Render emails/<template>.{subject.txt,txt,html} now; deliver on commit."""
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    transaction.on_commit(message.send)
