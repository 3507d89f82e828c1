"""What announcements hold about a person: the announcements and attachments they wrote, and which
announcements they have read."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, rows


def announcements_export(user) -> ExportPart:
    from .models import Announcement, AnnouncementAttachment, AnnouncementRead

    records = [{"kind": "announcement_written", **r} for r in rows(
        Announcement.objects.filter(author=user).order_by("created_at", "pk"),
        ("public_id", "course__slug", "title", "body", "pinned", "publish_at", "expires_at", "published_at", "created_at"))]
    records += [{"kind": "attachment_uploaded", **r} for r in rows(
        AnnouncementAttachment.objects.filter(uploaded_by=user).order_by("created_at", "pk"),
        ("announcement__public_id", "file_name", "size", "created_at"))]
    records += [{"kind": "announcement_read", **r} for r in rows(
        AnnouncementRead.objects.filter(user=user).order_by("read_at", "pk"),
        ("announcement__public_id", "announcement__title", "read_at"))]
    return ExportPart(records=records)


def announcements_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Read marks are deleted; what they wrote stays for its audience, without the author."""
    from .models import Announcement, AnnouncementAttachment, AnnouncementRead

    reads, _ = AnnouncementRead.objects.filter(user=user).delete()
    written = Announcement.objects.filter(author=user).update(author=None)
    uploads = AnnouncementAttachment.objects.filter(uploaded_by=user).update(uploaded_by=None)
    return {"announcement_reads_deleted": reads, "announcements_anonymised": written, "attachments_anonymised": uploads}


def announcements_last_activity(user_ids: list[int]) -> dict:
    from .models import AnnouncementRead

    return latest_by_user(AnnouncementRead.objects.filter(user_id__in=user_ids), "user_id", "read_at")


ANNOUNCEMENTS = PrivacyProvider(
    area="announcements", title="Announcements written and read",
    holdings=(Holding("announcements.Announcement", fields=("author",)),
              Holding("announcements.AnnouncementAttachment", fields=("uploaded_by", "file_name"), files=("file",)),
              Holding("announcements.AnnouncementRead", fields=("user",))),
    export=announcements_export, erase=announcements_erase, last_activity=announcements_last_activity, order=720,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(ANNOUNCEMENTS)
