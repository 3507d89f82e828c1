"""Stripe webhooks: verify, store by Stripe id, enqueue; then process in a Celery task.

The endpoints (public schema URLconf) never do the work themselves. A forged or stale
signature is a 400 with no effect. A known event id answers 200 and changes nothing. If the
broker is down the event is still stored and answered 200; `stripe_events_sweep` (beat)
processes what was left pending. Processing locks the event row, runs the handlers
registered for its type (`webhook_handler`), and records the outcome; a failing handler
leaves the event failed with its error, retried with backoff and re-processable from the
console or `manage.py stripe_events_reprocess`.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from celery import shared_task
from django.conf import settings
from django.db import DataError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone as dj_timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tenants.api import audit_log

from . import gateway
from .models import StripeEvent

logger = logging.getLogger(__name__)

Handler = Callable[[StripeEvent, dict], "str | None"]
_HANDLERS: dict[str, list[Handler]] = defaultdict(list)


def webhook_handler(*event_types: str):
    """Register `handler(event_row, stripe_object) -> tenant_schema | None` for event types."""
    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            if handler not in _HANDLERS[event_type]:
                _HANDLERS[event_type].append(handler)
        return handler
    return register


def handled_types() -> set[str]:
    return set(_HANDLERS)


# --- the endpoints ------------------------------------------------------------------------------

def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


_INSERT = """
    INSERT INTO {table} (stripe_id, type, source, account, livemode, created, payload, status, attempts,
                                     last_error, tenant_schema, received_at)
    VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s, 0, '', '', %s)
    ON CONFLICT (stripe_id) DO NOTHING
    RETURNING id
""".format(table=StripeEvent._meta.db_table)


def event_store(payload: bytes, *, source: str) -> tuple[int, bool]:
    """Store the (already verified) event; -> (row id, created). A duplicate id is not an error.

    One statement in autocommit, the hot path of every delivery: the insert that loses to an
    existing (or concurrently stored) id does nothing, and only then is the existing row read.
    The payload is stored as Stripe sent it (jsonb of the verified text, not re-serialized)."""
    text = payload.decode("utf-8")
    if "\\u0000" in text:
        raise ValueError("jsonb cannot store NUL characters.")
    data = json.loads(text)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not isinstance(data.get("type"), str):
        raise ValueError("Not a Stripe event.")
    stripe_id = data["id"][:255]
    created = datetime.fromtimestamp(int(data.get("created") or 0), tz=timezone.utc)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [stripe_id, data["type"][:100], source, str(data.get("account") or "")[:255],
                                 bool(data.get("livemode")), created, text, StripeEvent.Status.PENDING,
                                 dj_timezone.now()])
        inserted = cursor.fetchone()
    if inserted:
        return inserted[0], True
    return StripeEvent.objects.values_list("pk", flat=True).get(stripe_id=stripe_id), False


def _enqueue(row_id: int) -> None:
    try:
        stripe_event_process.apply_async(args=[row_id])
    except Exception:  # noqa: BLE001 - the event is stored; beat will process it
        logger.warning("stripe event %s stored but not enqueued (broker unavailable); beat will pick it up", row_id)


def _receive(request: HttpRequest, source: str) -> JsonResponse:
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        connection.set_schema_to_public()
    payload = request.body
    try:
        gateway.webhook_verify(payload, request.headers.get("Stripe-Signature"), source=source)
    except gateway.SignatureVerificationError as exc:
        logger.warning("stripe %s webhook refused from %s: %s", source, request.META.get("REMOTE_ADDR"), exc)
        return _error("Invalid or expired Stripe signature.")
    except UnicodeDecodeError:
        return _error("The payload is not UTF-8.")
    try:
        row_id, created = event_store(payload, source=source)
    except (ValueError, TypeError, OverflowError, DataError):
        return _error("The payload is not a Stripe event.")
    if created:
        transaction.on_commit(lambda: _enqueue(row_id))  # at once in autocommit; after the commit inside one
    return JsonResponse({"received": True, "duplicate": not created})


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, StripeEvent.Source.PLATFORM)


@csrf_exempt
@require_POST
def stripe_connect_webhook(request: HttpRequest) -> JsonResponse:
    return _receive(request, StripeEvent.Source.CONNECT)


# --- processing ---------------------------------------------------------------------------------

def event_process(row_id: int, *, force: bool = False) -> str:
    """Run the handlers of one stored event once; -> its status afterwards."""
    connection.set_schema_to_public()
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update(skip_locked=True).filter(pk=row_id).first()
        if row is None:
            return "locked"  # another worker has it (or it does not exist)
        if row.status in (StripeEvent.Status.DONE, StripeEvent.Status.IGNORED) and not force:
            return row.status
        handlers = _HANDLERS.get(row.type, [])
        row.attempts += 1
        stripe_object = (row.payload.get("data") or {}).get("object") or {}
        try:
            with transaction.atomic():
                schemas = [handler(row, stripe_object) for handler in handlers]
        except Exception as exc:  # noqa: BLE001 - recorded on the row, retried
            logger.exception("stripe event %s (%s) failed", row.stripe_id, row.type)
            row.status, row.last_error = StripeEvent.Status.FAILED, f"{type(exc).__name__}: {exc}"[:4000]
        else:
            row.status = StripeEvent.Status.DONE if handlers else StripeEvent.Status.IGNORED
            row.last_error, row.processed_at = "", dj_timezone.now()
            row.tenant_schema = next((s for s in schemas if s), "")[:63]
        finally:
            connection.set_schema_to_public()
        row.save(update_fields=["status", "attempts", "last_error", "processed_at", "tenant_schema"])
        return row.status


# ignore_result: nobody waits on the outcome (it is on the row); a result backend would cost the
# endpoint a subscription round trip per enqueue.
@shared_task(bind=True, acks_late=True, max_retries=6, ignore_result=True)
def stripe_event_process(self, row_id: int) -> str:
    status = event_process(row_id)
    if status == StripeEvent.Status.FAILED:
        raise self.retry(countdown=min(2 ** self.request.retries * 10, 3600))
    return status


@shared_task
def stripe_events_sweep() -> int:
    """Process events left pending (broker was down) or failed with attempts left."""
    connection.set_schema_to_public()
    cutoff = dj_timezone.now() - timedelta(seconds=settings.STRIPE_EVENT_SWEEP_AFTER_SECONDS)
    ids = list(
        StripeEvent.objects.filter(received_at__lt=cutoff, attempts__lt=settings.STRIPE_EVENT_MAX_ATTEMPTS,
                                   status__in=[StripeEvent.Status.PENDING, StripeEvent.Status.FAILED])
        .order_by("created", "received_at").values_list("pk", flat=True)[:500]
    )
    for row_id in ids:
        event_process(row_id)
    return len(ids)


def events_reprocess(*, ids: list[int] | None = None, failed: bool = False, actor=None) -> dict[str, int]:
    """Re-run chosen (or all failed) events now, in Stripe's order; -> count per resulting status.

    Written to the (public) audit log with the ids and their outcome; the actor defaults to the
    request's signed-in user (the console), none for the management command."""
    connection.set_schema_to_public()
    rows = StripeEvent.objects.all()
    if ids:
        rows = rows.filter(pk__in=ids)
    elif failed:
        rows = rows.filter(status=StripeEvent.Status.FAILED)
    else:
        rows = rows.none()
    outcome: dict[str, int] = defaultdict(int)
    done: dict[str, str] = {}
    for row_id, stripe_id in rows.order_by("created", "pk").values_list("pk", "stripe_id"):
        status = event_process(row_id, force=True)
        outcome[status] += 1
        done[stripe_id] = status
    if done:
        connection.set_schema_to_public()
        audit_log(action="stripe_event.reprocess", actor=actor, after={"events": done, "outcome": dict(outcome)})
    return dict(outcome)
