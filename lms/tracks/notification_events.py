"""The track events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("project_unlocked", title="Next track item unlocked", category="course", default="all",
                   sample={"track": {"title": "Data Path"}, "item_title": "Capstone", "item_kind": "project",
                           "previous_title": "Foundations", "track_url": "https://example.org/tracks/data-path/"})
