"""What messages hold about a person (tenant_apps.privacy), and their erasure (ADR 0016).

Export: the messages they wrote (and their attachments), their conversations (membership, last
read, muted), whom they block, what they reported.
Erasure: the others keep the conversation. Each message the person wrote stays as a placeholder
(text and rendered text emptied, `removed_at` set, attachments and their files deleted) and is
attributed to the account's tombstone, which shows only the pseudonym; their memberships, blocks
(made or received) and reports are deleted; reports they resolved and conversations they started
keep no link to them.
"""
from __future__ import annotations

from django.utils import timezone

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, rows, stored_files


def messaging_export(user) -> ExportPart:
    from .models import Attachment, Block, Message, Participant, Report

    written = Message.objects.filter(sender=user).order_by("created_at")
    attachments = Attachment.objects.filter(message__sender=user)
    return ExportPart(
        records=[
            *({"kind": "message", **r} for r in rows(written, ("public_id", "conversation__public_id", "body", "format",
                                                               "created_at"))),
            *({"kind": "conversation", **r} for r in rows(Participant.objects.filter(user=user), (
                "conversation__public_id", "conversation__kind", "conversation__title", "joined_at", "last_read_at",
                "muted"))),
            *({"kind": "attachment", **r} for r in rows(attachments, ("public_id", "message__public_id", "file_name",
                                                                      "content_type", "size"))),
            *({"kind": "block", **r} for r in rows(Block.objects.filter(blocker=user), ("blocked__profile__public_id",
                                                                                        "created_at"))),
            *({"kind": "report", **r} for r in rows(Report.objects.filter(reporter=user), (
                "public_id", "message__public_id", "reason", "status", "created_at"))),
        ],
        files=stored_files(attachments, "file", folder="attachments", name_field="file_name"),
    )


def messaging_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import Attachment, Block, Conversation, Message, Participant, Report

    attachments = Attachment.objects.filter(message__sender=user)
    files.extend(name for name in attachments.values_list("file", flat=True) if name)
    attachments_deleted = attachments.delete()[0]
    removed = Message.objects.filter(sender=user, removed_at__isnull=True).update(
        body="", body_html="", removed_at=timezone.now())
    left = Participant.objects.filter(user=user).delete()[0]
    blocks = Block.objects.filter(blocker=user).delete()[0] + Block.objects.filter(blocked=user).delete()[0]
    reports = Report.objects.filter(reporter=user).delete()[0]
    Report.objects.filter(resolved_by=user).update(resolved_by=None)
    Conversation.objects.filter(created_by=user).update(created_by=None)
    return {"messages_emptied": removed, "attachments_deleted": attachments_deleted, "conversations_left": left,
            "blocks_deleted": blocks, "reports_deleted": reports}


MESSAGING = PrivacyProvider(
    area="messages", title="Messages",
    holdings=(
        Holding("messaging.Conversation", fields=("created_by",)),
        Holding("messaging.Participant", fields=("user",)),
        Holding("messaging.Message", fields=("sender",)),
        Holding("messaging.Attachment", fields=("file_name",), files=("file",)),
        Holding("messaging.Block", fields=("blocker", "blocked")),
        Holding("messaging.Report", fields=("reporter", "resolved_by")),
    ),
    export=messaging_export, erase=messaging_erase, order=650,
    last_activity=lambda user_ids: _last_activity(user_ids),
)


def _last_activity(user_ids: list[int]):
    from tenant_apps.privacy.api import latest_by_user

    from .models import Message

    return latest_by_user(Message.objects.filter(sender_id__in=user_ids), "sender_id", "created_at")


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(MESSAGING)
