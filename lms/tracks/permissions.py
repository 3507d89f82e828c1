"""Who may do what with a track: tenant admins everything; per-track instructors (edit, publish,
delete, staff, review) and teaching assistants (review, download deliverables) through
django-guardian object permissions, like courses (lms/courses/permissions.py)."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, get_objects_for_user, get_users_with_perms, remove_perm

from tenant_apps.accounts.api import Role, is_tenant_admin, role_of

from .models import Track

VIEW = "tracks.view_track"
EDIT = "tracks.change_track"
DELETE = "tracks.delete_track"
PUBLISH = "tracks.publish_track"
REVIEW = "tracks.review_track"
ALL = (VIEW, EDIT, DELETE, PUBLISH, REVIEW)

TRACK_ROLES = {"instructor": "Instructor", "teaching_assistant": "Teaching assistant"}
TRACK_ROLE_PERMS = {
    "instructor": ALL,
    "teaching_assistant": (VIEW, REVIEW),
}
STUDIO_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_studio_member(user) -> bool:
    """Instructors, teaching assistants and administrators; learners never enter the track studio."""
    return _active(user) and role_of(user) in STUDIO_ROLES


def can_create_track(user) -> bool:
    return _active(user) and role_of(user) in (Role.TENANT_ADMIN, Role.INSTRUCTOR)


def has(user, perm: str, track: Track) -> bool:
    if not _active(user):
        return False
    return is_tenant_admin(user) or user.has_perm(perm, track)


def tracks_user_can(user, perm: str = VIEW) -> QuerySet[Track]:
    """Tracks this user has `perm` on (all of them for tenant admins, none for others without a role)."""
    if not is_studio_member(user):
        return Track.objects.none()
    if is_tenant_admin(user):
        return Track.objects.all()
    return get_objects_for_user(user, perm, klass=Track, accept_global_perms=False)


def track_role_assign(*, track: Track, user: User, track_role: str) -> None:
    if track_role not in TRACK_ROLE_PERMS:
        raise ValueError(f"unknown track role {track_role!r}")
    track_role_remove(track=track, user=user)
    for perm in TRACK_ROLE_PERMS[track_role]:
        assign_perm(perm, user, track)


def track_role_remove(*, track: Track, user: User) -> None:
    for perm in ALL:
        remove_perm(perm, user, track)


def track_staff(track: Track) -> list[tuple[User, str]]:
    """(user, 'instructor' | 'teaching_assistant') for each member of the track staff, by email."""
    staff = []
    for user, perms in get_users_with_perms(track, attach_perms=True, with_group_users=False).items():
        codenames = {f"tracks.{p}" for p in perms}
        staff.append((user, "instructor" if PUBLISH in codenames else "teaching_assistant"))
    return sorted(staff, key=lambda pair: pair[0].email)
