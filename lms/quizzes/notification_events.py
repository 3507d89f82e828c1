"""The quiz events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("quiz_graded", title="Quiz graded", category="course", default="all",
                   sample={"course": {"title": "Analytical Engines"}, "quiz_title": "Week 1 check",
                           "score": "7.00", "max_score": "10.00", "url": "https://example.org/courses/engines/"})
