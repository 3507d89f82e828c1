"""The grading events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("feedback_posted", title="Feedback and grade posted", category="course", default="all",
                   sample={"course": {"title": "Analytical Engines"}, "assignment_title": "Essay 1",
                           "points": "8.50", "max_points": "10.00", "url": "https://example.org/courses/engines/"})
    event_register("submission_received", title="Work handed in (course staff)", category="course", default="all",
                   audience="staff",
                   sample={"course": {"title": "Analytical Engines"}, "assignment_title": "Essay 1",
                           "learner_name": "Ada Lovelace", "attempt": 1,
                           "url": "https://example.org/studio/courses/engines/grading/"})
