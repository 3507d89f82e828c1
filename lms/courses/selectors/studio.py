"""Reads of the authoring studio: who may use it and with which capabilities, the courses and draft
tree they see, versions, course staff, the content kinds available."""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from tenant_apps.accounts.api import Role, role_of

from .. import permissions
from ..content import provider_for
from ..models import ContentItem, Course, CourseVersion, Lesson, Module

STUDIO_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)
COURSE_ROLES = {"instructor": "Instructor", "teaching_assistant": "Teaching assistant"}
PROVIDED_KINDS = (ContentItem.Kind.QUIZ, ContentItem.Kind.ASSIGNMENT)


def user_roles_prefetch(user) -> None:
    """Read the user's groups once: role checks (role_of) then use the prefetched rows."""
    real = getattr(user, "_wrapped", user)  # request.user is a lazy object around the User
    if getattr(real, "pk", None) is not None and "groups" not in getattr(real, "_prefetched_objects_cache", {}):
        prefetch_related_objects([real], "groups")


def is_studio_member(user) -> bool:
    """Instructors, teaching assistants and administrators; learners never enter the studio."""
    return bool(user and user.is_authenticated and user.is_active and role_of(user) in STUDIO_ROLES)


@dataclass(frozen=True)
class Capabilities:
    edit: bool
    publish: bool

    @property
    def read_only(self) -> bool:
        return not self.edit


def capabilities(user: User, course: Course) -> Capabilities:
    return Capabilities(edit=permissions.can_edit(user, course), publish=permissions.can_publish(user, course))


def capabilities_by_course(*, user: User, courses) -> dict[int, Capabilities]:
    """Capabilities for many courses in two queries (not two per course)."""
    from tenant_apps.accounts.api import is_tenant_admin

    ids = [c.pk for c in courses]
    if is_tenant_admin(user):
        return {pk: Capabilities(edit=True, publish=True) for pk in ids}
    editable = set(permissions.courses_user_can(user, permissions.EDIT).filter(pk__in=ids).values_list("pk", flat=True))
    publishable = set(permissions.courses_user_can(user, permissions.PUBLISH).filter(pk__in=ids).values_list("pk", flat=True))
    return {pk: Capabilities(edit=pk in editable, publish=pk in publishable) for pk in ids}


def course_list_for_studio(*, user: User) -> QuerySet[Course]:
    """Courses this user has staff access to (all of them for administrators)."""
    if not is_studio_member(user):
        return Course.objects.none()
    return permissions.courses_user_can(user).select_related("published_version").order_by("title", "pk")


def course_get_for_studio(*, user: User, slug: str) -> Course | None:
    return course_list_for_studio(user=user).filter(slug=slug).first()


def outline_modules(course: Course) -> list[Module]:
    """The draft tree, in order, in three queries."""
    items = Prefetch("items", queryset=ContentItem.objects.order_by("position", "id"))
    lessons = Prefetch("lessons", queryset=Lesson.objects.order_by("position", "id").prefetch_related(items))
    return list(course.modules.order_by("position", "id").prefetch_related(lessons))


def version_list(course: Course) -> QuerySet[CourseVersion]:
    return course.versions.select_related("author").order_by("-number")


def course_staff_list(course: Course) -> list[tuple[User, str]]:
    """(user with profile, course role) of the course staff, by email."""
    staff = permissions.course_staff(course)
    users = User.objects.select_related("profile").in_bulk([u.pk for u, _ in staff])
    return [(users[u.pk], role) for u, role in staff if u.pk in users]


def kinds_available() -> dict[str, bool]:
    """Every content kind, and whether it can be added now (quiz/assignment need their app's provider)."""
    return {kind: (kind not in PROVIDED_KINDS or provider_for(kind) is not None) for kind in ContentItem.Kind.values}


def editor_url(course: Course, item: ContentItem) -> str | None:
    provider = provider_for(item.kind) if item.kind in PROVIDED_KINDS else None
    if provider is None or not item.ref_uuid:
        return None
    return provider.editor_url(course, item.ref_uuid)


def staff_candidate_by_email(email: str) -> User | None:
    return (
        User.objects.select_related("profile").prefetch_related("groups")
        .filter(email__iexact=(email or "").strip(), is_active=True).first()
    )


def staff_member(course: Course, public_id) -> User | None:
    """A member of the course staff by profile public id (None when not on the staff)."""
    try:
        public_id = UUID(str(public_id))
    except ValueError:
        return None
    for user, _role in course_staff_list(course):
        if user.profile.public_id == public_id:
            return user
    return None
