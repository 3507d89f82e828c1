"""Reads: a user's entries in a range, and the month/week/agenda layouts of the calendar page
(in the active time zone: the user's, else the institution's)."""
from __future__ import annotations

import calendar as pycalendar
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import FeedToken
from .registry import CalendarEntry, calendar_sources

MAX_RANGE_DAYS = 400
DASHBOARD_DAYS = 14
DASHBOARD_LIMIT = 10


def calendar_entries(*, user, start: datetime, end: datetime, dashboard_only: bool = False) -> list[CalendarEntry]:
    """Every registered source's entries of the user starting in [start, end), soonest first."""
    if not user.is_authenticated or end <= start:
        return []
    entries: list[CalendarEntry] = []
    for _name, source in calendar_sources(dashboard_only=dashboard_only):
        entries.extend(e for e in source(user, start, end) if start <= e.start < end)
    entries.sort(key=lambda e: (e.start, e.title, e.uid))
    return entries


def dashboard_upcoming(user) -> list[dict]:
    """The learner dashboard's rows (lms.courses DASHBOARD_PROVIDERS "deadlines" shape): the next
    DASHBOARD_DAYS days of the sources the dashboard does not already read itself."""
    now = timezone.now()
    entries = calendar_entries(user=user, start=now, end=now + timedelta(days=DASHBOARD_DAYS), dashboard_only=True)
    return [{"kind": e.kind, "title": e.title, "course_title": e.context, "due_at": e.start, "url": e.url}
            for e in entries[:DASHBOARD_LIMIT]]


def feed_token_exists(*, user) -> bool:
    return FeedToken.objects.filter(user_id=user.pk).exists()


def _day_bounds(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.combine(first, time.min), zone),
            timezone.make_aware(datetime.combine(last_exclusive, time.min), zone))


def _by_local_day(entries: list[CalendarEntry]) -> dict[date, list[CalendarEntry]]:
    days: dict[date, list[CalendarEntry]] = {}
    for e in entries:
        days.setdefault(timezone.localtime(e.start).date(), []).append(e)
    return days


@dataclass
class Day:
    day: date
    entries: list[CalendarEntry] = field(default_factory=list)
    in_month: bool = True
    is_today: bool = False


@dataclass
class Layout:
    view: str  # "month", "week", "agenda"
    anchor: date
    title: str
    prev: date
    next: date
    weeks: list[list[Day]] = field(default_factory=list)  # month and week
    days: list[Day] = field(default_factory=list)  # agenda: only days with entries
    start: datetime | None = None
    end: datetime | None = None


def calendar_layout(*, user, view: str, anchor: date) -> Layout:
    """One page of the calendar around `anchor`: a month (weeks Monday first), a week, or a 30-day agenda."""
    today = timezone.localdate()
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=7)
        layout = Layout(view, anchor, f"Week of {first:%-d %B %Y}", first - timedelta(days=7), last)
    elif view == "agenda":
        first, last = anchor, anchor + timedelta(days=30)
        layout = Layout(view, anchor, f"{first:%-d %B} – {last - timedelta(days=1):%-d %B %Y}", first - timedelta(days=30), last)
    else:
        view = "month"
        month_first = anchor.replace(day=1)
        days_in = pycalendar.monthrange(anchor.year, anchor.month)[1]
        month_next = month_first + timedelta(days=days_in)
        first = month_first - timedelta(days=month_first.weekday())
        last = month_next + timedelta(days=(7 - month_next.weekday()) % 7)
        prev = (month_first - timedelta(days=1)).replace(day=1)
        layout = Layout(view, anchor, f"{month_first:%B %Y}", prev, month_next)
    layout.start, layout.end = _day_bounds(first, last)
    by_day = _by_local_day(calendar_entries(user=user, start=layout.start, end=layout.end))
    if view == "agenda":
        layout.days = [Day(d, by_day[d], is_today=d == today) for d in sorted(by_day)]
        return layout
    week: list[Day] = []
    d = first
    while d < last:
        week.append(Day(d, by_day.get(d, []), in_month=(view == "week" or d.month == anchor.month), is_today=d == today))
        if len(week) == 7:
            layout.weeks.append(week)
            week = []
        d += timedelta(days=1)
    return layout


def feed_user_for_token(*, token: str):
    """The active user whose feed `token` opens, or None."""
    if not token or len(token) > 128:
        return None
    row = FeedToken.objects.select_related("user").filter(token_hash=hashlib.sha256(token.encode()).hexdigest(), user__is_active=True).first()
    return row.user if row is not None else None
