"""The event this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("announcement", title="Announcement", category="course", default="all",
                   sample={"announcement": {"title": "Exam moved to Friday",
                                            "body_html": "<p>The exam is on <strong>Friday</strong>.</p>",
                                            "body": "The exam is on **Friday**."},
                           "course": {"title": "Analytical Engines"}, "author_name": "Ada Lovelace",
                           "url": "https://example.org/announcements/x/"})
