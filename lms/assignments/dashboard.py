"""The learner dashboard's assignment rows, in the shape lms.courses.selectors.dashboard.dashboard_sections
expects (it imports this module by name). Posted grades only; two queries per section."""
from __future__ import annotations

from . import selectors

LIMIT = 10


def _points(value) -> str:
    """8.00 -> "8", 7.50 -> "7.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def upcoming_deadlines(user) -> list[dict]:
    return [
        {"kind": "assignment", "title": d.title, "course_title": d.course_title, "due_at": d.due_at, "url": d.url}
        for d in selectors.upcoming_deadlines(user, limit=LIMIT)
    ]


def recent_grades(user) -> list[dict]:
    return [
        {"kind": "assignment", "title": g.title, "course_title": g.course_title,
         "grade": f"{_points(g.final_points)} / {g.max_points}", "posted_at": g.posted_at, "url": g.url}
        for g in selectors.recent_grades(user, limit=LIMIT)
    ]
