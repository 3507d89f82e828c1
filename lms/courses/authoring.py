"""Authoring studio support: who may use it, scoped reads, and the writes the studio pages and
API share on top of `services` (uploads, tags, quiz/assignment items, staff by email).

Uploaded files are never deleted when a cover or file item is replaced or removed: published
versions keep referring to them by name (see services.course_snapshot).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

from tenant_apps.accounts.api import Role, role_of
from tenant_apps.accounts.api import LOGO_KINDS, image_kind

from . import permissions, services
from .content import provider_for
from .models import ContentItem, Course, CourseVersion, Lesson, Module
from .video import video_file_check, video_url_check

STUDIO_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)
COURSE_ROLES = {"instructor": "Instructor", "teaching_assistant": "Teaching assistant"}
PROVIDED_KINDS = (ContentItem.Kind.QUIZ, ContentItem.Kind.ASSIGNMENT)
COVER_KINDS = LOGO_KINDS
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


def cover_max_bytes() -> int:
    return getattr(settings, "COURSE_COVER_MAX_BYTES", 5 * 1024 * 1024)


def file_max_bytes() -> int:
    return getattr(settings, "COURSE_FILE_MAX_BYTES", 50 * 1024 * 1024)


class FileTooLarge(ValidationError):
    """An upload over its limit: pages and API answer 413 with this message."""

    def __init__(self, limit: int):
        super().__init__(f"The file is too large: the limit is {filesizeformat(limit)}.", code="too_large")


# --- who may use the studio ----------------------------------------------------------------


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


# --- reads ---------------------------------------------------------------------------------


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


# --- input helpers -------------------------------------------------------------------------


def tags_clean(values) -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) tags; ValidationError if too many or too long."""
    tags, seen = [], set()
    for value in values:
        tag = " ".join(str(value).split())
        if not tag or tag.lower() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationError(f"Tag “{tag[:20]}…” is too long: at most {MAX_TAG_LENGTH} characters.")
        seen.add(tag.lower())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationError(f"At most {MAX_TAGS} tags.")
    return tags


def tags_parse(text: str) -> list[str]:
    return tags_clean((text or "").split(","))


def _read_capped(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


def cover_upload_read(upload) -> tuple[bytes, str]:
    """(bytes, extension) of an acceptable cover image, judged by its magic bytes."""
    limit = cover_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise FileTooLarge(limit)
    data = _read_capped(upload, limit)
    if len(data) > limit:
        raise FileTooLarge(limit)
    kind = image_kind(data[:16])
    if kind is None:
        raise ValidationError(
            f"Upload a {', '.join(COVER_KINDS.values())} image. This file is not one of those formats.", code="bad_image"
        )
    return data, kind


def file_upload_check(upload) -> None:
    limit = file_max_bytes()
    if upload.size is None or upload.size > limit:
        raise FileTooLarge(limit)
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")


def _stored_name(upload) -> str:
    """A safe storage name: a random part (files are not guessable) plus the original name, shortened."""
    original = get_valid_filename(upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) or "file"
    if len(original) > 50:
        stem, dot, ext = original.rpartition(".")
        original = (stem[: 49 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else original[:50]
    return f"{secrets.token_hex(6)}-{original}"


def display_file_name(name: str) -> str:
    """The name people uploaded, without the folder and the random part."""
    base = name.rsplit("/", 1)[-1]
    prefix, dash, rest = base.partition("-")
    return rest if dash and len(prefix) == 12 else base


# --- writes --------------------------------------------------------------------------------


def _field_errors(field: str, exc: ValidationError) -> ValidationError:
    return ValidationError({field: exc.messages})


@transaction.atomic
def course_details_save(*, course: Course, cover_upload=None, remove_cover: bool = False, **fields) -> Course:
    """Save a course's details; a new cover is checked by its content first."""
    if cover_upload is not None:
        try:
            data, extension = cover_upload_read(cover_upload)
        except FileTooLarge:
            raise
        except ValidationError as exc:
            raise _field_errors("cover", exc) from exc
        fields["cover"] = ContentFile(data, name=f"cover-{secrets.token_hex(6)}.{extension}")
    elif remove_cover:
        fields["cover"] = ""
    if "tags" in fields:
        try:
            fields["tags"] = tags_clean(fields["tags"])
        except ValidationError as exc:
            raise _field_errors("tags", exc) from exc
    return services.course_update(course=course, **fields)


def _checked_upload(upload, *, video: bool = False):
    try:
        file_upload_check(upload)
        if video:
            video_file_check(upload)
    except FileTooLarge:
        raise
    except ValidationError as exc:
        raise _field_errors("file", exc) from exc
    upload.name = _stored_name(upload)
    return upload


@transaction.atomic
def item_add(*, lesson: Lesson, kind: str, title: str, author: User, body: str = "", url: str = "",
             upload=None) -> ContentItem:
    """Add a content item to a lesson; quiz and assignment items get a new draft in their own app."""
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the item a title."})
    fields: dict = {}
    if kind == ContentItem.Kind.TEXT:
        fields["body"] = body or ""
    elif kind == ContentItem.Kind.VIDEO and upload is not None and not url:
        fields["file"] = _checked_upload(upload, video=True)
    elif kind in (ContentItem.Kind.VIDEO, ContentItem.Kind.LINK):
        if not url:
            raise ValidationError({"url": "Enter the address (URL)." if kind == ContentItem.Kind.LINK
                                   else "Enter the video's address (URL) or upload a video file."})
        if kind == ContentItem.Kind.VIDEO:
            try:
                video_url_check(url)
            except ValidationError as exc:
                raise _field_errors("url", exc) from exc
        fields["url"] = url
    elif kind == ContentItem.Kind.FILE:
        if upload is None:
            raise ValidationError({"file": "Choose a file to upload."})
        try:
            file_upload_check(upload)
        except FileTooLarge:
            raise
        except ValidationError as exc:
            raise _field_errors("file", exc) from exc
        upload.name = _stored_name(upload)
        fields["file"] = upload
    elif kind in PROVIDED_KINDS:
        provider = provider_for(kind)
        if provider is None:
            raise ValidationError({"kind": f"{ContentItem.Kind(kind).label} items are not available yet."})
        course = lesson.module.course
        fields["ref_uuid"] = provider.draft_create(course, title, author)
    else:
        raise ValidationError({"kind": f"Unknown content type “{kind}”."})
    return services.item_create(lesson=lesson, kind=kind, title=title, **fields)


@transaction.atomic
def item_change(*, item: ContentItem, title: str | None = None, body: str | None = None, url: str | None = None,
                upload=None) -> ContentItem:
    """Change the fields that belong to the item's kind; others are refused rather than ignored."""
    fields: dict = {}
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "Give the item a title."})
        fields["title"] = title.strip()
    if body is not None:
        if item.kind != ContentItem.Kind.TEXT:
            raise ValidationError({"body": "Only text items have a body."})
        fields["body"] = body
    if item.kind == ContentItem.Kind.VIDEO and upload is not None:
        # An uploaded video replaces the address (and the other way round).
        fields["file"], fields["url"] = _checked_upload(upload, video=True), ""
        upload = None
        url = None
    if url is not None:
        if item.kind not in (ContentItem.Kind.VIDEO, ContentItem.Kind.LINK):
            raise ValidationError({"url": "Only video and link items have a URL."})
        if not url and not (item.kind == ContentItem.Kind.VIDEO and item.file):
            raise ValidationError({"url": "Enter the address (URL)."})
        if url and item.kind == ContentItem.Kind.VIDEO:
            try:
                video_url_check(url)
            except ValidationError as exc:
                raise _field_errors("url", exc) from exc
            if item.file:
                fields["file"] = ""
        if url or item.kind != ContentItem.Kind.VIDEO:
            fields["url"] = url
    if upload is not None:
        if item.kind != ContentItem.Kind.FILE:
            raise ValidationError({"file": "Only file items have a file."})
        try:
            file_upload_check(upload)
        except FileTooLarge:
            raise
        except ValidationError as exc:
            raise _field_errors("file", exc) from exc
        upload.name = _stored_name(upload)
        fields["file"] = upload
    if not fields:
        return item
    return services.item_update(item=item, **fields)


@transaction.atomic
def reorder_by_uuid(*, siblings: QuerySet, uuids: list) -> None:
    """Reorder a parent's children given their uuids in the new order (exactly the current ones)."""
    by_uuid = {str(u): pk for pk, u in siblings.values_list("pk", "uuid")}
    wanted = [str(u) for u in uuids]
    if len(set(wanted)) != len(wanted) or set(wanted) != set(by_uuid):
        raise ValidationError({"order": ["The new order must list each current item exactly once."]})
    services.reorder(siblings=siblings, ordered_ids=[by_uuid[u] for u in wanted])


def staff_candidate_by_email(email: str) -> User | None:
    return (
        User.objects.select_related("profile").prefetch_related("groups")
        .filter(email__iexact=(email or "").strip(), is_active=True).first()
    )


@transaction.atomic
def course_staff_add(*, course: Course, email: str, course_role: str, actor: User) -> User:
    """Make the institution's member with this email instructor or TA of the course."""
    user = staff_candidate_by_email(email)
    if user is None:
        raise ValidationError({"email": "No active member of the institution has this email address."})
    services.course_staff_set(course=course, user=user, course_role=course_role, actor=actor)
    return user


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
