"""Assignment due dates in the learner's calendar (tenant_apps.calendar source "assignments"): from the
digests of the learner's pinned versions, so the dates are the ones the learner works to. One query."""
from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.dateparse import parse_datetime

from lms.courses.api import enrollments_for_lists
from tenant_apps.calendar.api import CalendarEntry


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    found = []
    for enrollment in enrollments_for_lists(learner=user):
        version = enrollment.version
        digest = version.digest or {}
        course_title = (digest.get("course") or {}).get("title") or enrollment.course.slug
        for item in digest.get("assignments", []):
            due = parse_datetime(item["due_at"]) if item.get("due_at") else None
            if due is None or not start <= due < end or not item.get("ref_uuid"):
                continue
            found.append(CalendarEntry(
                uid=f"assignment-{item['ref_uuid']}", kind="assignment", title=item["title"], start=due,
                url=reverse("assignments:learner-assignment",
                            kwargs={"slug": enrollment.course.slug, "assignment_uuid": item["ref_uuid"]}),
                context=course_title, sequence=version.number, modified_at=version.created_at,
            ))
    return found


def _active_versions():
    """The versions active learners are pinned to, with their course (digest only, no snapshot). One query."""
    from lms.courses.api import CourseVersion, Enrollment

    return (CourseVersion.objects.filter(pk__in=Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
                                         .values("version_id"))
            .select_related("course").only("id", "number", "digest", "created_at", "course__slug"))


def deadlines(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    """Reminders' view (tenant_apps.calendar deadline source): every assignment due in [start, end) in a
    version active learners work to, with those of them who have not submitted it. Three queries."""
    from lms.courses.api import Enrollment

    from .models import Submission

    due: dict[int, list[CalendarEntry]] = {}
    for version in _active_versions():
        digest = version.digest or {}
        course_title = (digest.get("course") or {}).get("title") or version.course.slug
        for item in digest.get("assignments", []):
            at = parse_datetime(item["due_at"]) if item.get("due_at") else None
            if at is None or not start <= at < end or not item.get("ref_uuid"):
                continue
            due.setdefault(version.pk, []).append(CalendarEntry(
                uid=f"assignment-{item['ref_uuid']}", kind="assignment", title=item["title"], start=at,
                url=reverse("assignments:learner-assignment",
                            kwargs={"slug": version.course.slug, "assignment_uuid": item["ref_uuid"]}),
                context=course_title, sequence=version.number, modified_at=version.created_at))
    if not due:
        return []
    learners: dict[int, list[int]] = {}
    for version_id, learner_id in Enrollment.objects.filter(
            version_id__in=list(due), status=Enrollment.Status.ACTIVE).values_list("version_id", "learner_id"):
        learners.setdefault(version_id, []).append(learner_id)
    uuids = {e.uid.removeprefix("assignment-") for entries in due.values() for e in entries}
    done = {(str(a), u) for a, u in Submission.objects.filter(assignment_uuid__in=uuids).values_list(
        "assignment_uuid", "learner_id").distinct()}
    return [(entry, [u for u in learners.get(version_id, []) if (entry.uid.removeprefix("assignment-"), u) not in done])
            for version_id, entries in due.items() for entry in entries]
