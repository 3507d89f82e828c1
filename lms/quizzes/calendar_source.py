"""Quiz due dates in the learner's calendar (tenant_apps.calendar source "quizzes"): from the digests of
the learner's pinned versions. One query."""
from __future__ import annotations

from datetime import datetime

from lms.courses.api import active_learners_by_version, active_versions, digest_due, enrollments_for_lists
from tenant_apps.calendar.api import CalendarEntry


def _entry(version, slug: str, quiz: dict, due: datetime, course_title: str) -> CalendarEntry:
    return CalendarEntry(
        uid=f"quiz-{quiz['ref_uuid']}", kind="quiz", title=quiz["title"], start=due,
        url=f"/learn/{slug}/quiz/{quiz['ref_uuid']}/", context=course_title,
        sequence=version.number, modified_at=version.created_at)


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    return [_entry(e.version, e.course.slug, quiz, due, title)
            for e in enrollments_for_lists(learner=user)
            for quiz, due, title in digest_due(e.version, "quizzes", start, end, slug=e.course.slug)]


def deadlines(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    """Reminders' view (tenant_apps.calendar deadline source): every quiz due in [start, end) in a version
    active learners work to, with those of them who have not handed in an attempt. Three queries."""
    from .models import QuizAttempt

    due: dict[int, list[CalendarEntry]] = {}
    for version in active_versions():
        for quiz, at, title in digest_due(version, "quizzes", start, end):
            due.setdefault(version.pk, []).append(_entry(version, version.course.slug, quiz, at, title))
    if not due:
        return []
    learners = active_learners_by_version(due)
    uuids = {e.uid.removeprefix("quiz-") for entries in due.values() for e in entries}
    done = {(str(q), u) for q, u in QuizAttempt.objects.filter(quiz_uuid__in=uuids).exclude(
        status=QuizAttempt.Status.IN_PROGRESS).values_list("quiz_uuid", "learner_id").distinct()}
    return [(entry, [u for u in learners.get(version_id, []) if (entry.uid.removeprefix("quiz-"), u) not in done])
            for version_id, entries in due.items() for entry in entries]
