"""Lookups of courses, assignments and categories for staff and learners."""
from __future__ import annotations

from uuid import UUID
from django.contrib.auth.models import User
from django.db.models import prefetch_related_objects
from lms.courses import api as course_permissions
from lms.courses.api import Course
from ..models import Assignment, GradeCategory


# --- lookups -------------------------------------------------------------------------------


def uuid_or_none(value) -> UUID | None:
    """A UUID from user input (a query parameter, a form value); None when it is not one."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def course_access(*, user: User, course: Course) -> dict[str, bool]:
    """The user's staff rights on a course ("staff": any course role, "grade", "edit"), in few queries.

    The user's groups (their institution role) are loaded once and reused by every check.
    """
    if not (user and user.is_authenticated):
        return {"staff": False, "grade": False, "edit": False}
    if not hasattr(user, "_prefetched_objects_cache") or "groups" not in user._prefetched_objects_cache:
        prefetch_related_objects([user], "groups")
    grade = course_permissions.can_grade(user, course)
    edit = course_permissions.can_edit(user, course)
    staff = grade or edit or course_permissions.can_view_staff_pages(user, course)
    return {"staff": staff, "grade": grade, "edit": edit}


def course_get(*, slug: str) -> Course | None:
    """Any course of the institution by slug (draft or published); callers check access."""
    return Course.objects.select_related("published_version").filter(slug=slug).first()


def assignment_get(*, course: Course, assignment_uuid) -> Assignment | None:
    return Assignment.objects.select_related("category").filter(course=course, uuid=assignment_uuid).first()


def assignment_list(*, course: Course):
    return Assignment.objects.filter(course=course).select_related("category").order_by("due_at", "title", "id")


def category_list(*, course: Course):
    return GradeCategory.objects.filter(course=course).order_by("position", "id")
