"""Assignment due dates in the learner's calendar (tenant_apps.calendar source "assignments"): from the
digests of the learner's pinned versions, so the dates are the ones the learner works to. One query."""
from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from lms.courses.api import active_learners_by_version, active_versions, digest_due, enrollments_for_lists
from tenant_apps.calendar.api import CalendarEntry


def _entry(version, slug: str, item: dict, due: datetime, course_title: str) -> CalendarEntry:
    return CalendarEntry(
        uid=f"assignment-{item['ref_uuid']}", kind="assignment", title=item["title"], start=due,
        url=reverse("assignments:learner-assignment", kwargs={"slug": slug, "assignment_uuid": item["ref_uuid"]}),
        context=course_title, sequence=version.number, modified_at=version.created_at)


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    return [_entry(e.version, e.course.slug, item, due, title)
            for e in enrollments_for_lists(learner=user)
            for item, due, title in digest_due(e.version, "assignments", start, end, slug=e.course.slug)]


def deadlines(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    """Reminders' view (tenant_apps.calendar deadline source): every assignment due in [start, end) in a
    version active learners work to, with those of them who have not submitted it. Three queries."""
    from .models import Submission

    due: dict[int, list[CalendarEntry]] = {}
    for version in active_versions():
        for item, at, title in digest_due(version, "assignments", start, end):
            due.setdefault(version.pk, []).append(_entry(version, version.course.slug, item, at, title))
    if not due:
        return []
    learners = active_learners_by_version(due)
    uuids = {e.uid.removeprefix("assignment-") for entries in due.values() for e in entries}
    done = {(str(a), u) for a, u in Submission.objects.filter(assignment_uuid__in=uuids).values_list(
        "assignment_uuid", "learner_id").distinct()}
    return [(entry, [u for u in learners.get(version_id, []) if (entry.uid.removeprefix("assignment-"), u) not in done])
            for version_id, entries in due.items() for entry in entries]
