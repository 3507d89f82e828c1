"""The learner dashboard's hooks (for lms/courses/selectors/dashboard.py, through ../dashboard.py):

    upcoming_deadlines(user, *, now=None, limit=10) -> list[Deadline]
        Assignments of the learner's courses (their pinned versions; dropped courses left out)
        due from now on that they have not submitted yet, soonest first. Two queries.
    recent_grades(user, *, limit=5) -> list[RecentGrade]
        The learner's POSTED grades, most recently posted first. Two queries.

Both return small dataclasses with display-ready fields, including the `url` of the
learner's assignment page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lms.courses import api as course_selectors
from ..models import Assignment, Grade, Submission
from .snapshots import CENT, HUNDRED


# --- learner dashboard hooks ---------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    course_title: str
    course_slug: str
    assignment_uuid: str
    title: str
    due_at: datetime
    points: int
    url: str


@dataclass(frozen=True)
class RecentGrade:
    course_title: str
    course_slug: str
    assignment_uuid: str
    title: str
    final_points: Decimal
    max_points: int
    percent: Decimal
    posted_at: datetime
    url: str


def _learner_url(slug: str, assignment_uuid) -> str:
    return reverse("assignments:learner-assignment", kwargs={"slug": slug, "assignment_uuid": assignment_uuid})


def upcoming_deadlines(user: User, *, now: datetime | None = None, limit: int = 10) -> list[Deadline]:
    """Assignments due from now on, not yet submitted, in the learner's pinned versions; soonest first."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    done = {str(u) for u in Submission.objects.filter(learner=user).values_list("assignment_uuid", flat=True).distinct()}
    found = []
    for enrollment in course_selectors.enrollments_for_lists(learner=user):
        course = enrollment.course
        digest = enrollment.version.digest or {}  # the version's read model: no snapshot loaded
        course_title = (digest.get("course") or {}).get("title") or course.slug
        for item in digest.get("assignments", []):
            due = parse_datetime(item["due_at"]) if item.get("due_at") else None
            if due is None or due < now or item["ref_uuid"] in done:
                continue
            found.append(Deadline(course_title, course.slug, item["ref_uuid"], item["title"], due,
                                  int(item.get("points") or 0), _learner_url(course.slug, item["ref_uuid"])))
    found.sort(key=lambda d: d.due_at)
    return found[:limit]


def recent_grades(user: User, *, limit: int = 5) -> list[RecentGrade]:
    """The learner's posted grades, most recently posted first."""
    if not user.is_authenticated:
        return []
    grades = list(
        Grade.objects.filter(submission__learner=user, status=Grade.Status.POSTED)
        .select_related("submission__course").order_by("-posted_at", "-id")[:limit]
    )
    # Titles as the learner's pinned versions show them (never the staff's draft).
    digests = {e.course_id: e.version.digest or {} for e in user.enrollments.filter(
        course_id__in={g.submission.course_id for g in grades}).select_related("version").defer(
        "version__snapshot", "version__changes")} if grades else {}
    found = []
    for g in grades:
        submission = g.submission
        digest = digests.get(submission.course_id, {})
        title = next((a["title"] for a in digest.get("assignments", [])
                      if a["ref_uuid"] == str(submission.assignment_uuid)), "Assignment")
        found.append(RecentGrade(
            course_title=(digest.get("course") or {}).get("title") or submission.course.slug,
            course_slug=submission.course.slug, assignment_uuid=str(submission.assignment_uuid), title=title,
            final_points=g.final_points, max_points=g.max_points,
            percent=(g.final_points * HUNDRED / g.max_points).quantize(CENT, ROUND_HALF_UP) if g.max_points else Decimal(0),
            posted_at=g.posted_at, url=_learner_url(submission.course.slug, submission.assignment_uuid),
        ))
    return found
