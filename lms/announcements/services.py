"""Writes of announcements: create/update/delete, attachments, read marks, and publishing.

Publishing happens exactly once per announcement: `announcement_publish_if_due` claims it with a
conditional UPDATE (published_at from NULL to now); only the transaction whose UPDATE changed
the row queues the fan-out, after commit. The fan-out task lists the audience and queues one
notify task per FANOUT_CHUNK recipients (each its own transaction), so a large course is
notified by every worker process at once. The beat sweep (`announcements_publish_due`) claims
the scheduled ones that came due and marks expired ones.
"""
from __future__ import annotations

import mimetypes
import re
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from lms.courses.api import Course, render_markdown
from tenants.api import audit_log, site_url_for_tenant

from . import selectors
from .models import Announcement, AnnouncementAttachment, AnnouncementRead

FANOUT_CHUNK = 500
MAX_ATTACHMENTS = 10


class AttachmentTooLarge(ValidationError):
    pass


def attachment_max_mb() -> int:
    return int(getattr(settings, "ANNOUNCEMENT_ATTACHMENT_MAX_MB", 10))


# --- validation -----------------------------------------------------------------------------------

def _clean(*, title: str, body: str, publish_at: datetime | None, expires_at: datetime | None,
           was_published: bool = False) -> dict:
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give the announcement a title."
    elif len(title) > 200:
        errors["title"] = "At most 200 characters."
    if len(body or "") > 50_000:
        errors["body"] = "At most 50,000 characters."
    if expires_at is not None:
        if publish_at is not None and expires_at <= publish_at:
            errors["expires_at"] = "The expiry must be after the publication time."
        elif expires_at <= timezone.now() and not was_published:
            errors["expires_at"] = "The expiry must be in the future."
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body or "", "body_html": render_markdown(body or "")}


def _safe_name(name: str) -> str:
    stem, _, ext = (name or "").replace("\\", "/").rsplit("/", 1)[-1].rpartition(".")
    if not stem:
        stem, ext = ext, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:80] or "attachment"
    ext = re.sub(r"[^A-Za-z0-9]+", "", ext)[:10].lower()
    return f"{stem}.{ext}" if ext else stem


# --- create / update / delete -----------------------------------------------------------------------

@transaction.atomic
def announcement_create(*, author, course: Course | None, title: str, body: str = "", pinned: bool = False,
                        publish_at: datetime | None = None, expires_at: datetime | None = None,
                        uploads: list | None = None) -> Announcement:
    """A course announcement (course staff) or a tenant-wide one (course=None, tenant admins); callers
    check the permission. Published at once unless `publish_at` is in the future."""
    data = _clean(title=title, body=body, publish_at=publish_at, expires_at=expires_at)
    announcement = Announcement.objects.create(course=course, author=author, pinned=bool(pinned),
                                               publish_at=publish_at, expires_at=expires_at, **data)
    for upload in uploads or []:
        attachment_add(announcement=announcement, upload=upload, actor=author)
    audit_log(action="announcement.create", target=announcement, actor=author,
              after={"title": announcement.title, "course": getattr(course, "slug", None)})
    announcement_publish_if_due(announcement_id=announcement.pk)
    announcement.refresh_from_db()
    return announcement


UPDATABLE = ("title", "body", "pinned", "publish_at", "expires_at")


@transaction.atomic
def announcement_update(*, announcement: Announcement, actor, **changes) -> Announcement:
    """Change fields; once published, moving `publish_at` changes nothing (the audience was told once)."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    current = Announcement.objects.select_for_update().get(pk=announcement.pk)
    merged = {f: changes.get(f, getattr(current, f)) for f in UPDATABLE}
    data = _clean(title=merged["title"], body=merged["body"], publish_at=merged["publish_at"],
                  expires_at=merged["expires_at"], was_published=current.published_at is not None)
    before = {"title": current.title, "publish_at": str(current.publish_at), "expires_at": str(current.expires_at)}
    current.title, current.body, current.body_html = data["title"], data["body"], data["body_html"]
    current.pinned = bool(merged["pinned"])
    if current.published_at is None:
        current.publish_at = merged["publish_at"]
    current.expires_at = merged["expires_at"]
    if current.expires_at is None or current.expires_at > timezone.now():
        current.expired_at = None
    current.save()
    audit_log(action="announcement.update", target=current, actor=actor, before=before,
              after={"title": current.title, "publish_at": str(current.publish_at), "expires_at": str(current.expires_at)})
    announcement_publish_if_due(announcement_id=current.pk)
    current.refresh_from_db()
    return current


@transaction.atomic
def announcement_delete(*, announcement: Announcement, actor) -> None:
    names = list(announcement.attachments.values_list("file", flat=True))
    audit_log(action="announcement.delete", target=announcement, actor=actor, before={"title": announcement.title})
    announcement.delete()
    transaction.on_commit(lambda: _files_delete(names))


def _files_delete(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # noqa: BLE001 - an orphaned file is harmless; the row is gone
            pass


# --- attachments ----------------------------------------------------------------------------------------

def attachment_add(*, announcement: Announcement, upload, actor) -> AnnouncementAttachment:
    """Store one file (AttachmentTooLarge over the limit; the plan's storage limit may refuse too)."""
    max_mb = attachment_max_mb()
    if upload.size is not None and upload.size > max_mb * 1024 * 1024:
        raise AttachmentTooLarge({"file": f"The file is too large: the limit is {max_mb} MB."}, code="too_large")
    if not upload.size:
        raise ValidationError({"file": "The file is empty."}, code="empty_file")
    if announcement.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"At most {MAX_ATTACHMENTS} attachments."}, code="too_many")
    name = _safe_name(upload.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = AnnouncementAttachment(announcement=announcement, file_name=(upload.name or name)[-255:],
                                        content_type=content_type[:100], size=upload.size, uploaded_by=actor)
    upload.seek(0)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: AnnouncementAttachment) -> None:
    name = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: _files_delete([name]))


# --- reading ------------------------------------------------------------------------------------------------

def announcement_mark_read(*, announcement: Announcement, user) -> None:
    """Idempotent: the first read (open or dismiss) is kept."""
    AnnouncementRead.objects.bulk_create([AnnouncementRead(announcement=announcement, user=user, read_at=timezone.now())],
                                         ignore_conflicts=True)


# --- publishing --------------------------------------------------------------------------------------------

def announcement_publish_if_due(*, announcement_id: int, now: datetime | None = None) -> bool:
    """Claim the announcement's publication if it is due and not yet published; queue its fan-out on commit.
    True only for the one caller that claimed it."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (Announcement.objects.filter(pk=announcement_id, published_at__isnull=True)
                   .filter(Q(publish_at__isnull=True) | Q(publish_at__lte=now))
                   .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                   .update(published_at=now))
        if claimed:
            schema = connection.schema_name  # the callback may run after the request reset the schema
            transaction.on_commit(lambda: _queue_fanout(announcement_id, schema))
    return bool(claimed)


def announcements_publish_due(*, now: datetime | None = None) -> dict[str, int]:
    """Beat (per institution): publish what came due, once each; mark what expired. Safe to run twice."""
    now = now or timezone.now()
    due = list(Announcement.objects.filter(published_at__isnull=True, publish_at__lte=now)
               .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).order_by("publish_at", "pk")
               .values_list("pk", flat=True))
    published = sum(1 for pk in due if announcement_publish_if_due(announcement_id=pk, now=now))
    expired = Announcement.objects.filter(expires_at__lte=now, expired_at__isnull=True).update(expired_at=now)
    return {"published": published, "expired": expired}


def _queue_fanout(announcement_id: int, schema: str) -> None:
    from django_tenants.utils import schema_context

    from .tasks import announcement_fanout_task

    with schema_context(schema):  # the schema travels in the task's headers
        announcement_fanout_task.delay(announcement_id=announcement_id)


def _queue_chunk(announcement_id: int, user_ids: list[int]) -> None:
    from .tasks import announcement_notify_chunk_task

    announcement_notify_chunk_task.delay(announcement_id=announcement_id, user_ids=user_ids)


def announcement_fanout(*, announcement_id: int) -> int:
    """List the audience and queue one notify task per FANOUT_CHUNK of them; -> the audience size."""
    announcement = Announcement.objects.filter(pk=announcement_id, published_at__isnull=False).first()
    if announcement is None:
        return 0
    ids = list(selectors.audience_ids(announcement=announcement))
    for start in range(0, len(ids), FANOUT_CHUNK):
        _queue_chunk(announcement_id, ids[start:start + FANOUT_CHUNK])
    return len(ids)


def announcement_path(announcement: Announcement) -> str:
    return reverse("announcements:detail", args=[announcement.public_id])


def notification_context(announcement: Announcement) -> dict:
    author = announcement.author
    return {"announcement": announcement, "course": announcement.course,
            "author_name": (author.get_full_name() or author.email) if author else "",
            "url": site_url_for_tenant(connection.tenant, announcement_path(announcement))}


@transaction.atomic
def announcement_notify_chunk(*, announcement_id: int, user_ids: list[int]) -> int:
    """Notify one chunk of the audience (in-app rows in one INSERT, emails batched by the service)."""
    from tenant_apps.notifications.api import notify

    announcement = (Announcement.objects.select_related("course", "author")
                    .filter(pk=announcement_id, published_at__isnull=False).first())
    if announcement is None or announcement.status() == "expired":
        return 0
    reached = notify("announcement", list(user_ids), notification_context(announcement),
                     url=announcement_path(announcement), actor=announcement.author)
    Announcement.objects.filter(pk=announcement_id).update(notified=F("notified") + reached)
    return reached

