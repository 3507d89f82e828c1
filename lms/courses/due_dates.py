"""Due dates in version digests, for the calendar and deadline-reminder sources of assignments and quizzes."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils.dateparse import parse_datetime

from .models import CourseVersion, Enrollment


def digest_due(version: CourseVersion, key: str, start: datetime, end: datetime, *, slug: str = "") -> Iterator[tuple]:
    """(item, due, course title) for each item of `digest[key]` ("assignments", "quizzes") due in [start, end)."""
    digest = version.digest or {}
    course_title = (digest.get("course") or {}).get("title") or slug or version.course.slug
    for item in digest.get(key, []):
        due = parse_datetime(item["due_at"]) if item.get("due_at") else None
        if due is not None and start <= due < end and item.get("ref_uuid"):
            yield item, due, course_title


def active_versions():
    """The versions active learners are pinned to, with their course (digest only, no snapshot). One query."""
    return (CourseVersion.objects.filter(pk__in=Enrollment.objects.filter(status=Enrollment.Status.ACTIVE)
                                         .values("version_id"))
            .select_related("course").only("id", "number", "digest", "created_at", "course__slug"))


def active_learners_by_version(version_ids) -> dict[int, list[int]]:
    """version id -> the ids of the active learners pinned to it. One query."""
    learners: dict[int, list[int]] = {}
    for version_id, learner_id in Enrollment.objects.filter(
            version_id__in=list(version_ids), status=Enrollment.Status.ACTIVE).values_list("version_id", "learner_id"):
        learners.setdefault(version_id, []).append(learner_id)
    return learners
