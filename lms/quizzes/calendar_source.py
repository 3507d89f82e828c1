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


def deadlines(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    """Reminders' view (tenant_apps.calendar deadline source): every quiz due in [start, end) in a version
    active learners work to, with those of them who have not handed in an attempt. Three queries."""
    from lms.courses.api import CourseVersion, Enrollment

    from .models import QuizAttempt

    due: dict[int, list[CalendarEntry]] = {}
    versions = (CourseVersion.objects.filter(pk__in=Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
                                             .values("version_id"))
                .select_related("course").only("id", "number", "digest", "created_at", "course__slug"))
    for version in versions:
        digest = version.digest or {}
        course_title = (digest.get("course") or {}).get("title") or version.course.slug
        for quiz in digest.get("quizzes", []):
            at = parse_datetime(quiz["due_at"]) if quiz.get("due_at") else None
            if at is None or not start <= at < end or not quiz.get("ref_uuid"):
                continue
            due.setdefault(version.pk, []).append(CalendarEntry(
                uid=f"quiz-{quiz['ref_uuid']}", kind="quiz", title=quiz["title"], start=at,
                url=f"/learn/{version.course.slug}/quiz/{quiz['ref_uuid']}/", context=course_title,
                sequence=version.number, modified_at=version.created_at))
    if not due:
        return []
    learners: dict[int, list[int]] = {}
    for version_id, learner_id in Enrollment.objects.filter(
            version_id__in=list(due), status=Enrollment.Status.ACTIVE).values_list("version_id", "learner_id"):
        learners.setdefault(version_id, []).append(learner_id)
    uuids = {e.uid.removeprefix("quiz-") for entries in due.values() for e in entries}
    done = {(str(q), u) for q, u in QuizAttempt.objects.filter(quiz_uuid__in=uuids).exclude(
        status=QuizAttempt.Status.IN_PROGRESS).values_list("quiz_uuid", "learner_id").distinct()}
    return [(entry, [u for u in learners.get(version_id, []) if (entry.uid.removeprefix("quiz-"), u) not in done])
            for version_id, entries in due.items() for entry in entries]
