"""The event this app sends through tenant_apps.notifications: a live session scheduled or moved."""
from __future__ import annotations


def _sample() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
    return {"session": {"title": "Office hour", "starts_at": start, "ends_at": start + timedelta(hours=1),
                        "join_url": "https://meet.example.org/abc"},
            "course": {"title": "Analytical Engines"}, "moved": False, "path": "/courses/engines/live-sessions/",
            "time_zone": timezone.get_current_timezone_name()}


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("live_session_scheduled", title="Live session scheduled or moved", category="course", default="all",
                   sample=_sample)
