"""Deadline reminders: one day and one hour before each deadline (one hour before each event), once
per person, from beat (tasks.py). Deadlines and their audience come from the registered deadline
sources (registry.py); each reminder goes through tenant_apps.notifications ("deadline_reminder").

Once means once: the (user, uid, due time, kind) rows are inserted with ON CONFLICT DO NOTHING and
only the rows this run inserted are notified, in the same transaction. A second run at the same time
waits on the unique index and then finds nothing to do.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import DeadlineReminderSent
from .registry import CalendarEntry, deadline_sources

logger = logging.getLogger(__name__)

EVENT = "deadline_reminder"
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
KIND_LABELS = {"assignment": "Assignment", "quiz": "Quiz", "project_step": "Project step",
               "campaign": "Campaign", "event": "Live session"}


def reminder_kind(*, entry: CalendarEntry, now: datetime) -> str | None:
    """Which reminder is due for `entry` now: "1h" in its last hour, "1d" in the day before that
    (deadlines only: an event is reminded of an hour before it starts), else None."""
    left = entry.start - now
    if left <= timedelta(0):
        return None
    if left <= HOUR:
        return DeadlineReminderSent.Kind.HOUR
    if left <= DAY and entry.is_deadline:
        return DeadlineReminderSent.Kind.DAY
    return None


def _due_reminders(now: datetime) -> list[tuple[CalendarEntry, str, list[int]]]:
    found = []
    for name, source in deadline_sources():
        try:
            pairs = source(now, now + DAY)
        except Exception:  # one broken source must not stop every other reminder
            logger.exception("deadline source %s failed", name)
            continue
        for entry, user_ids in pairs:
            kind = reminder_kind(entry=entry, now=now)
            if kind is not None and user_ids:
                found.append((entry, kind, sorted(set(user_ids))))
    return found


def _insert_new(rows: list[tuple[int, str, datetime, str]], now: datetime) -> set[tuple[int, str, datetime, str]]:
    """Insert the reminder keys; -> those this call inserted (the others were sent already)."""
    table = connection.ops.quote_name(DeadlineReminderSent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, uid, due_at, kind, sent_at) "
            "SELECT u, i, d, k, %s FROM unnest(%s::integer[], %s::varchar[], %s::timestamptz[], %s::varchar[]) "
            "AS t(u, i, d, k) ON CONFLICT (user_id, uid, due_at, kind) DO NOTHING "
            "RETURNING user_id, uid, due_at, kind",
            [now, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]],
        )
        return {(u, i, d, k) for u, i, d, k in cursor.fetchall()}


def _context(entry: CalendarEntry, kind: str, site_url: str) -> dict:
    url = entry.url
    if url.startswith("/"):
        url = site_url.rstrip("/") + url
    return {"entry_title": entry.title, "entry_kind": KIND_LABELS.get(entry.kind, entry.kind.replace("_", " ").title()),
            "context": entry.context, "due_at": entry.start, "is_event": not entry.is_deadline,
            "location": entry.location, "when": "in one hour" if kind == DeadlineReminderSent.Kind.HOUR else "within a day",
            "url": url}


def deadline_reminders_send(*, now: datetime | None = None) -> int:
    """Send this institution's reminders that are due at `now` and not sent yet; -> how many were sent."""
    from tenant_apps.notifications.api import notify_each

    now = now or timezone.now()
    due = _due_reminders(now)
    if not due:
        return 0
    rows = [(uid_user, entry.uid, entry.start, kind) for entry, kind, users in due for uid_user in users]
    site_url = _site_url()
    sent = 0
    with transaction.atomic():
        inserted = _insert_new(rows, now)
        people = _people({u for u, _i, _d, _k in inserted})
        for entry, kind, users in due:
            recipients = [people[u] for u in users if (u, entry.uid, entry.start, kind) in inserted and u in people]
            if recipients:
                ctx = _context(entry, kind, site_url)
                sent += notify_each(EVENT, [(u, ctx | {"time_zone": _zone_of(u)}) for u in recipients], url=entry.url)
    return sent


def _people(ids: set[int]) -> dict:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.in_bulk(list(ids)) if ids else {}


def _zone_of(user) -> str:
    """The time zone the reminder shows the time in: the person's own, else the institution's."""
    from tenant_apps.accounts.api import user_time_zone

    return user_time_zone(user) or timezone.get_current_timezone_name()


def _site_url() -> str:
    from tenants.api import site_url_for_tenant

    return site_url_for_tenant(connection.tenant, "/")
