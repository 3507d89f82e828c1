"""The event this app sends through tenant_apps.notifications: a live session scheduled or moved."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("live_session_scheduled", title="Live session scheduled or moved", category="course", default="all",
                   sample={"session": {"title": "Office hour", "join_url": "https://meet.example.org/abc"},
                           "course": {"title": "Analytical Engines"}, "moved": False,
                           "path": "/courses/engines/live-sessions/"})
