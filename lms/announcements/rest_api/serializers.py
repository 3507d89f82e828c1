"""Serializers of the announcements API."""
from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers


class AnnouncementAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    file_name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("announcements:attachment", args=[obj.announcement.public_id, obj.public_id])


class AnnouncementOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    course = serializers.SerializerMethodField()
    title = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.CharField()
    pinned = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    author = serializers.SerializerMethodField()
    attachments = AnnouncementAttachmentOutput(many=True, source="attachments.all")

    def get_course(self, obj) -> str | None:
        return obj.course.slug if obj.course_id else None

    def get_author(self, obj) -> str:
        return (obj.author.get_full_name() or obj.author.email) if obj.author_id else ""


class MyAnnouncementOutput(AnnouncementOutput):
    read = serializers.BooleanField(source="is_read")


class StaffAnnouncementOutput(AnnouncementOutput):
    publish_at = serializers.DateTimeField(allow_null=True)
    status = serializers.SerializerMethodField()
    notified = serializers.IntegerField()
    read_count = serializers.SerializerMethodField()

    def get_status(self, obj) -> str:
        return obj.status()

    def get_read_count(self, obj) -> int:
        count = getattr(obj, "read_count", None)
        return count if count is not None else obj.reads.count()


class AnnouncementInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=50_000, required=False, allow_blank=True, default="")
    pinned = serializers.BooleanField(required=False, default=False)
    publish_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="Empty: publish now.")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField(help_text="At most settings.ANNOUNCEMENT_ATTACHMENT_MAX_MB (413 above)")


class ReadOutput(serializers.Serializer):
    user = serializers.UUIDField(source="user.profile.public_id")
    name = serializers.SerializerMethodField()
    email = serializers.EmailField(source="user.email")
    read_at = serializers.DateTimeField()

    def get_name(self, obj) -> str:
        return obj.user.get_full_name()


class ReadsOutput(serializers.Serializer):
    count = serializers.IntegerField()
    audience = serializers.IntegerField()
    reads = ReadOutput(many=True)
