"""Staff managing a course's enrollments: the course they may manage, its enrollment list, learners
resolved from email addresses."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.db.models.functions import Lower

from .. import permissions
from ..models import Course, Enrollment


def course_get_for_staff(*, slug: str, user) -> Course | None:
    """A course (published or not) whose enrollments `user` may manage: its instructors and tenant
    admins. Carries `newest_version_number` (None when unpublished)."""
    course = Course.objects.annotate(newest_version_number=F("published_version__number")).filter(slug=slug).first()
    if course is None or not permissions.can_edit(user, course):
        return None
    return course


def course_enrollment_list(*, course: Course) -> QuerySet[Enrollment]:
    """Every enrollment of a course (dropped ones too, last), with learner and version number."""
    return (
        Enrollment.objects.filter(course=course)
        .select_related("learner", "version", "enrolled_by")
        .defer("version__snapshot", "version__changes")
        .order_by("status", "learner__email")
    )


def users_by_email(emails: list[str]) -> dict[str, User]:
    """Accounts of this institution by lower-cased email address, in one query."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    return {u.email_lower: u for u in users}


def learners_for_emails(emails: list[str]) -> tuple[list[User], list[tuple[str, str]]]:
    """Resolve addresses for staff enrollment: (accounts that can be enrolled, [(email, reason), ...])."""
    found = users_by_email(emails)
    learners, refused = [], []
    for email in emails:
        user = found.get(email.strip().lower())
        if user is None:
            refused.append((email, "No account with this email address on this site."))
        elif not user.is_active:
            refused.append((email, "This account is deactivated."))
        else:
            learners.append(user)
    return learners, refused
