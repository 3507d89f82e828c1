"""The writes the studio pages and API share on top of the draft services: course details with a
cover and tags, content items with uploads or a quiz/assignment draft, reorder by uuid, staff by email."""
from __future__ import annotations

import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from ..content import provider_for
from ..models import ContentItem, Course, Lesson
from ..selectors.studio import PROVIDED_KINDS, staff_candidate_by_email
from ..video import video_file_check, video_url_check
from .drafts import course_staff_set, course_update, item_create, item_update, reorder
from .uploads import FileTooLarge, _stored_name, cover_upload_read, file_upload_check

MAX_TAGS = 20
MAX_TAG_LENGTH = 40


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
    return course_update(course=course, **fields)


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
    return item_create(lesson=lesson, kind=kind, title=title, **fields)


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
    return item_update(item=item, **fields)


@transaction.atomic
def reorder_by_uuid(*, siblings: QuerySet, uuids: list) -> None:
    """Reorder a parent's children given their uuids in the new order (exactly the current ones)."""
    by_uuid = {str(u): pk for pk, u in siblings.values_list("pk", "uuid")}
    wanted = [str(u) for u in uuids]
    if len(set(wanted)) != len(wanted) or set(wanted) != set(by_uuid):
        raise ValidationError({"order": ["The new order must list each current item exactly once."]})
    reorder(siblings=siblings, ordered_ids=[by_uuid[u] for u in wanted])


@transaction.atomic
def course_staff_add(*, course: Course, email: str, course_role: str, actor: User) -> User:
    """Make the institution's member with this email instructor or TA of the course."""
    user = staff_candidate_by_email(email)
    if user is None:
        raise ValidationError({"email": "No active member of the institution has this email address."})
    course_staff_set(course=course, user=user, course_role=course_role, actor=actor)
    return user
