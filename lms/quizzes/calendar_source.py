"""Quiz due dates in the learner's calendar (tenant_apps.calendar source "quizzes"): from the digests of
the learner's pinned versions. One query."""
from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime

from lms.courses.api import enrollments_for_lists
from tenant_apps.calendar.api import CalendarEntry


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    found = []
    for enrollment in enrollments_for_lists(learner=user):
        version = enrollment.version
        digest = version.digest or {}
        course_title = (digest.get("course") or {}).get("title") or enrollment.course.slug
        for quiz in digest.get("quizzes", []):
            due = parse_datetime(quiz["due_at"]) if quiz.get("due_at") else None
            if due is None or not start <= due < end or not quiz.get("ref_uuid"):
                continue
            found.append(CalendarEntry(
                uid=f"quiz-{quiz['ref_uuid']}", kind="quiz", title=quiz["title"], start=due,
                url=f"/learn/{enrollment.course.slug}/quiz/{quiz['ref_uuid']}/", context=course_title,
                sequence=version.number, modified_at=version.created_at,
            ))
    return found
