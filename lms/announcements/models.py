"""Announcements, their attachments, and who has read them.

An announcement with a course belongs to that course (audience: its enrolled learners); one
without is tenant-wide (audience: every active member). `publish_at` schedules it (empty: at
once); `published_at` is set exactly once, by the conditional UPDATE that claims the fan-out
(services.announcement_publish_if_due). Learners see it from then until `expires_at`.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Announcement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="announcements", help_text="Empty: tenant-wide.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown")
    body_html = models.TextField(blank=True, default="", editable=False)  # sanitised, rendered at save
    pinned = models.BooleanField(default=False)
    publish_at = models.DateTimeField(null=True, blank=True, help_text="Empty: publish at once.")
    expires_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)  # the audience was notified
    expired_at = models.DateTimeField(null=True, blank=True, editable=False)  # beat saw it expire
    notified = models.PositiveIntegerField(default=0, editable=False)  # recipients reached
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "-publish_at", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["published_at", "publish_at"], name="announcement_due"),
            models.Index(fields=["course", "published_at"], name="announcement_course"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__isnull=True) | Q(publish_at__isnull=True)
                                   | Q(expires_at__gt=models.F("publish_at")), name="announcement_expires_after_publish"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_tenant_wide(self) -> bool:
        return self.course_id is None

    def status(self, now=None) -> str:
        from django.utils import timezone

        now = now or timezone.now()
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        if self.published_at is not None:
            return "published"
        return "scheduled" if self.publish_at and self.publish_at > now else "draft"


def attachment_upload_to(attachment: "AnnouncementAttachment", filename: str) -> str:
    """Under the tenant prefix (storage), then the announcement."""
    return f"announcements/{attachment.announcement.public_id}/{attachment.public_id}/{filename}"


class AnnouncementAttachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=500)
    file_name = models.CharField(max_length=255, help_text="The name the uploaded file had.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.file_name


class AnnouncementRead(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="announcement_reads")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["read_at", "id"]
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_read_unique")]
