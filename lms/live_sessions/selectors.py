"""Reads: who may see a course's live sessions (its staff and its enrolled learners) and which."""
from __future__ import annotations

from django.db.models import QuerySet

from lms.courses.api import Course, Enrollment, can_edit, can_view_staff_pages, enrollment_get

from .models import LiveSession


def course_for_viewer(*, user, slug: str) -> tuple[Course, bool] | None:
    """(course, can_edit) if the user may see the course's sessions (staff, or enrolled and not dropped), else None."""
    if not user.is_authenticated:
        return None
    course = Course.objects.filter(slug=slug[:80]).first()
    if course is None:
        return None
    if can_view_staff_pages(user, course):
        return course, can_edit(user, course)
    enrollment = enrollment_get(learner=user, course=course)
    if enrollment is None or enrollment.status == Enrollment.Status.DROPPED:
        return None
    return course, False


def course_for_editor(*, user, slug: str) -> Course | None:
    found = course_for_viewer(user=user, slug=slug)
    return found[0] if found is not None and found[1] else None


def live_session_list_for_course(*, course: Course, upcoming_from=None) -> QuerySet[LiveSession]:
    sessions = LiveSession.objects.filter(course=course)
    if upcoming_from is not None:
        sessions = sessions.filter(ends_at__gte=upcoming_from)
    return sessions.order_by("starts_at", "id")
