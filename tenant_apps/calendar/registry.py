"""Where calendar entries come from: apps above this one register a source function.

A source is `fn(user, start, end) -> list[CalendarEntry]`: the entries the user may see now whose
start falls in [start, end). Rules: a constant number of queries whatever the number of rows
(the month page and the dashboard ask every source), aware datetimes, only what the user may see.
Sources register in their AppConfig.ready(); this app never imports them.

A deadline source (`deadline_source_register`) answers the other question, the one reminders ask:
`fn(start, end) -> list[(CalendarEntry, recipient_user_ids)]`, every deadline or event of the
institution starting in [start, end) with the people who still need a reminder of it (enrolled, not
yet handed in). Same rules: a constant number of queries, aware datetimes.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarEntry:
    """One deadline (no `end`) or event (with `end`) as the calendar shows it.

    `uid` is stable for the entry whatever its dates (e.g. "assignment-<uuid>"); `sequence` grows
    and `modified_at` moves when its dates change (iCal clients update the event they have).
    """

    uid: str
    kind: str  # "assignment", "quiz", "project_step", "campaign", "event"
    title: str
    start: datetime
    end: datetime | None = None
    url: str = ""  # a path on the institution's site
    context: str = ""  # the course, track or campaign it belongs to
    description: str = ""
    location: str = ""  # a live session's join link
    sequence: int = 0
    modified_at: datetime | None = None

    @property
    def is_deadline(self) -> bool:
        return self.end is None


Source = Callable[[object, datetime, datetime], list[CalendarEntry]]
_SOURCES: dict[str, Source] = {}
_DASHBOARD: set[str] = set()


def calendar_source_register(name: str, fn: Source, *, on_dashboard: bool = True) -> None:
    """Register (or replace) the source `name`. `on_dashboard=False`: the learner dashboard shows these
    entries another way already (its own deadline providers), the calendar card skips them."""
    _SOURCES[name] = fn
    if on_dashboard:
        _DASHBOARD.add(name)
    else:
        _DASHBOARD.discard(name)


def calendar_sources(*, dashboard_only: bool = False) -> list[tuple[str, Source]]:
    return [(n, fn) for n, fn in sorted(_SOURCES.items()) if not dashboard_only or n in _DASHBOARD]


DeadlineSource = Callable[[datetime, datetime], list[tuple[CalendarEntry, list[int]]]]
_DEADLINE_SOURCES: dict[str, DeadlineSource] = {}


def deadline_source_register(name: str, fn: DeadlineSource) -> None:
    """Register (or replace) the deadline source `name` (for reminders: all deadlines with their audience)."""
    _DEADLINE_SOURCES[name] = fn


def deadline_sources() -> list[tuple[str, DeadlineSource]]:
    return sorted(_DEADLINE_SOURCES.items())
