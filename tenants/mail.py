"""Templated email (text + HTML): rendered in the request, delivered by a Celery task after
the surrounding transaction commits, so the request never waits on (or fails with) SMTP.

`mail_send` renders now, because only the request has the tenant's context (site name,
links, the user). What it enqueues is the finished message: subject, text, html, to. The
`mail_deliver` task only hands that to the email backend, retrying SMTP/socket failures with
exponential backoff; a delivery that still fails after the retries is logged, never raised
into a request. `mail_send_many` is the same for a batch (one task, one SMTP connection for
many backers of a campaign, say), retrying only the messages not sent yet.

Tests: `MAIL_DELIVER_EAGER` (config/settings_test.py) makes the on-commit callback run the
task in-process with `Task.apply()` (Celery's eager execution for this one task, retries
included, exceptions captured in the result, not raised), so tests that read `mail.outbox`
still see what a worker would send. Every other task keeps the normal broker path
(CELERY_TASK_ALWAYS_EAGER stays off); tests with the real `celery_worker` turn the setting off.
"""
from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

logger = logging.getLogger(__name__)


@shared_task(
    bind=True, acks_late=True, autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=5, retry_backoff_max=600, retry_jitter=True, max_retries=6,
)
def mail_deliver(self, *, subject: str, text: str, html: str, to: list[str], from_email: str | None = None,
                 headers: dict | None = None) -> int:
    """Deliver one already-rendered message; returns how many were sent (0 or 1)."""
    message = EmailMultiAlternatives(subject, text, from_email or settings.DEFAULT_FROM_EMAIL, to, headers=headers or None)
    message.attach_alternative(html, "text/html")
    return message.send()


@shared_task(bind=True, acks_late=True, max_retries=6)
def mail_deliver_many(self, *, messages: list[dict], from_email: str | None = None) -> int:
    """Deliver already-rendered messages ({"subject", "text", "html", "to", optional "headers"}) over one connection;
    a SMTP/socket failure retries those not sent yet (never the ones before it), with the
    backoff of `mail_deliver`; -> how many were sent."""
    sent = 0
    try:
        with get_connection() as smtp:
            for message in messages:
                email = EmailMultiAlternatives(message["subject"], message["text"], from_email or settings.DEFAULT_FROM_EMAIL,
                                               message["to"], connection=smtp, headers=message.get("headers") or None)
                email.attach_alternative(message["html"], "text/html")
                email.send()
                sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        countdown = get_exponential_backoff_interval(factor=5, retries=self.request.retries, maximum=600, full_jitter=True)
        raise self.retry(exc=exc, countdown=countdown, kwargs={"messages": messages[sent:], "from_email": from_email})
    return sent


def _enqueue(payload: dict, *, task=mail_deliver) -> None:
    to = payload.get("to") or [m["to"] for m in payload.get("messages", [])]
    if getattr(settings, "MAIL_DELIVER_EAGER", False):
        result = task.apply(kwargs=payload)
        if result.failed():
            logger.error("mail to %s not delivered: %r", to, result.result)
        return
    try:
        task.apply_async(kwargs=payload)
    except Exception:  # noqa: BLE001 - the data is committed; a broker outage must not become a 500
        logger.exception("could not enqueue mail to %s", to)


def mail_render(*, template: str, context: dict) -> dict:
    """emails/<template>.{subject.txt,txt,html} rendered: {"subject", "text", "html"}."""
    return {
        "subject": " ".join(render_to_string(f"emails/{template}.subject.txt", context).split()),
        "text": render_to_string(f"emails/{template}.txt", context),
        "html": render_to_string(f"emails/{template}.html", context),
    }


CONSENT_CATEGORIES = frozenset({"marketing"})


def mail_recipients_allowed(*, to: list[str], category: str) -> list[str]:
    """Of `to`, who may receive mail of `category`: everyone, except for marketing, where only
    those who consented (settings.MAIL_CONSENT_FILTER, a dotted path: the tenancy core knows no
    consent records). No filter configured: marketing goes to nobody (fail closed)."""
    if category not in CONSENT_CATEGORIES:
        return list(to)
    path = getattr(settings, "MAIL_CONSENT_FILTER", "")
    if not path:
        return []
    from django.utils.module_loading import import_string

    return list(import_string(path)(list(to)))


def mail_send(*, template: str, to: list[str], context: dict, category: str = "transactional",
              headers: dict | None = None) -> None:
    """Render the message now; enqueue its delivery on commit. `category` "marketing": only to the
    recipients who consented (nothing is sent when none did). `headers`: extra ones (List-Unsubscribe...)."""
    to = mail_recipients_allowed(to=list(to), category=category)
    if not to:
        return
    payload = {**mail_render(template=template, context=context), "to": list(to), "from_email": settings.DEFAULT_FROM_EMAIL}
    if headers:
        payload["headers"] = dict(headers)
    transaction.on_commit(lambda: _enqueue(payload))


def mail_send_many(*, messages: list[tuple[str, list[str], dict]]) -> None:
    """`mail_send` for many messages ((template, to, context) each) delivered by one task over one
    connection (e.g. the backers of a settlement batch): rendered now, enqueued on commit."""
    if not messages:
        return
    rendered = [{**mail_render(template=template, context=context), "to": list(to)} for template, to, context in messages]
    payload = {"messages": rendered, "from_email": settings.DEFAULT_FROM_EMAIL}
    transaction.on_commit(lambda: _enqueue(payload, task=mail_deliver_many))


def mail_send_rendered(*, messages: list[dict]) -> None:
    """Already-rendered messages ({"subject", "text", "html", "to", optional "headers"}: the
    notification service renders its own templates) enqueued on commit, MAIL_BATCH to a task."""
    if not messages:
        return
    for start in range(0, len(messages), MAIL_BATCH):
        batch = [dict(m) for m in messages[start:start + MAIL_BATCH]]
        if len(batch) == 1:
            payload = {**batch[0], "from_email": settings.DEFAULT_FROM_EMAIL}
            transaction.on_commit(lambda payload=payload: _enqueue(payload))
        else:
            payload = {"messages": batch, "from_email": settings.DEFAULT_FROM_EMAIL}
            transaction.on_commit(lambda payload=payload: _enqueue(payload, task=mail_deliver_many))


MAIL_BATCH = 100  # messages per delivery task
