"""The iCal (RFC 5545) rendering of a user's entries, with the icalendar library. Times are UTC
(no VTIMEZONE needed); a deadline is a zero-length event at its due time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

from icalendar import Calendar, Event

from .registry import CalendarEntry

UTC = dt_timezone.utc
PRODID = "-//EduCrowd//Calendar//EN"


def feed_render(*, entries: list[CalendarEntry], name: str, host: str, site_url: str, now: datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = now.astimezone(UTC)
    for e in entries:
        event = Event()
        event.add("uid", f"{e.uid}@{host}")
        event.add("dtstamp", stamp)
        start = e.start.astimezone(UTC)
        event.add("dtstart", start)
        event.add("dtend", (e.end or e.start).astimezone(UTC))
        summary = f"Due: {e.title}" if e.is_deadline else e.title
        event.add("summary", f"{summary} ({e.context})" if e.context else summary)
        if e.url:
            event.add("url", site_url.rstrip("/") + e.url if e.url.startswith("/") else e.url)
        if e.location:
            event.add("location", e.location)
        description = "\n\n".join(p for p in (e.description, e.location) if p)
        if description:
            event.add("description", description)
        event.add("sequence", e.sequence)
        if e.modified_at is not None:
            event.add("last-modified", e.modified_at.astimezone(UTC))
        event.add("categories", [e.kind])
        event.add("transp", "TRANSPARENT" if e.is_deadline else "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
