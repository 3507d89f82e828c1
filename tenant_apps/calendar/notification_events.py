"""The event this app sends through tenant_apps.notifications: deadline (and live session) reminders."""
from __future__ import annotations


def _sample() -> dict:
    from datetime import timedelta

    from django.utils import timezone

    return {"entry_title": "Essay 1", "entry_kind": "Assignment", "context": "Analytical Engines", "is_event": False,
            "when": "within a day", "location": "", "due_at": timezone.now() + timedelta(hours=20),
            "time_zone": timezone.get_current_timezone_name(), "url": "https://example.org/learn/engines/"}


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("deadline_reminder", title="Deadline reminders", category="course", default="all", sample=_sample)
