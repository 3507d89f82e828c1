"""Who may do what with a course: tenant admins everything; per-course instructors (edit,
publish, grade) and teaching assistants (grade) through django-guardian object permissions."""
from __future__ import annotations

from django.contrib.auth.models import User
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

from tenant_apps.accounts.api import Role, is_tenant_admin, role_of

from .models import Course

EDIT = "courses.change_course"
PUBLISH = "courses.publish_course"
GRADE = "courses.grade_course"
VIEW = "courses.view_course"

COURSE_ROLE_PERMS = {
    "instructor": (VIEW, EDIT, PUBLISH, GRADE),
    "teaching_assistant": (VIEW, GRADE),
}


def can_create_course(user: User) -> bool:
    return user.is_authenticated and user.is_active and role_of(user) in (Role.TENANT_ADMIN, Role.INSTRUCTOR)


def _has(user: User, perm: str, course: Course) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return is_tenant_admin(user) or user.has_perm(perm, course)


def can_edit(user: User, course: Course) -> bool:
    return _has(user, EDIT, course)


def can_publish(user: User, course: Course) -> bool:
    return _has(user, PUBLISH, course)


def can_grade(user: User, course: Course) -> bool:
    return _has(user, GRADE, course)


def can_view_staff_pages(user: User, course: Course) -> bool:
    return _has(user, VIEW, course) or can_grade(user, course)


def course_rights(user: User, course: Course) -> tuple[bool, bool, bool]:
    """(can_view_staff_pages, can_grade, can_edit) with one object-permission lookup (a single
    guardian checker caches the user's permissions on the course) instead of one per question:
    for pages every member opens, like a discussion thread."""
    if not (user and user.is_authenticated and user.is_active):
        return False, False, False
    if is_tenant_admin(user):
        return True, True, True
    checker = ObjectPermissionChecker(user)
    grade = checker.has_perm(GRADE, course)
    return checker.has_perm(VIEW, course) or grade, grade, checker.has_perm(EDIT, course)


def courses_user_can(user: User, perm: str = VIEW):
    """Courses this user has staff access to (all of them for tenant admins)."""
    if is_tenant_admin(user):
        return Course.objects.all()
    return get_objects_for_user(user, perm, klass=Course, accept_global_perms=False)


def course_role_assign(*, course: Course, user: User, course_role: str) -> None:
    if course_role not in COURSE_ROLE_PERMS:
        raise ValueError(f"unknown course role {course_role!r}")
    course_role_remove(course=course, user=user)
    for perm in COURSE_ROLE_PERMS[course_role]:
        assign_perm(perm, user, course)


def course_role_remove(*, course: Course, user: User) -> None:
    for perm in (VIEW, EDIT, PUBLISH, GRADE):
        remove_perm(perm, user, course)


def course_staff(course: Course) -> list[tuple[User, str]]:
    """(user, 'instructor' | 'teaching_assistant') for each member of the course staff."""
    staff = []
    for user, perms in get_users_with_perms(course, attach_perms=True, with_group_users=False).items():
        codenames = {f"courses.{p}" for p in perms}
        staff.append((user, "instructor" if PUBLISH in codenames else "teaching_assistant"))
    return sorted(staff, key=lambda pair: pair[0].email)
