"""The event this app sends through tenant_apps.notifications: deadline (and live session) reminders."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("deadline_reminder", title="Deadline reminders", category="course", default="all",
                   sample={"entry_title": "Essay 1", "entry_kind": "Assignment", "context": "Analytical Engines",
                           "is_event": False, "when": "within a day", "location": "",
                           "url": "https://example.org/learn/engines/"})
