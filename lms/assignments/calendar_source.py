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
