"""Writes for messages: start a conversation, send, read, mute, block, report, moderate.

Rules (selectors.can_message): staff <-> staff; learner <-> the staff of a course they are enrolled
in (the "courses" contact policy lms.courses registers); learner <-> learner only where the
institution allows it (site settings). Participants of an existing conversation may reply
whatever the roles now say, unless a block stands between the two people of a direct one.
Every recipient is a member of this institution looked up by profile public id in this schema:
an id of another institution finds nobody (400) and nothing is written.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tenants.api import audit_log, render_markdown

from . import selectors
from .models import Attachment, Block, Conversation, Message, Participant, Report
from .uploads import KINDS, attachment_check, safe_file_name

MAX_GROUP = 50
MAX_BODY = 10_000


class MessagingRefused(PermissionDenied):
    """A send or start the rules refuse (-> 403 with this message)."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message, self.code = message, code


def render_body(body: str, fmt: str) -> str:
    """Sanitised HTML of a message: plain text escaped with line breaks; Markdown through the platform's
    renderer (nh3 allow-list), without images (no tracking pixels in messages)."""
    import nh3
    from django.utils.html import escape, linebreaks

    if fmt == Message.Format.MARKDOWN:
        html = str(render_markdown(body, min_heading=3))
        return nh3.clean(html, tags={"p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
                                     "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody",
                                     "tr", "th", "td"},
                         attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto"},
                         link_rel="noopener noreferrer nofollow")
    return linebreaks(escape(body))


def _clean_body(body: str, fmt: str, *, attachment: bool) -> str:
    body = (body or "").replace("\x00", "").strip()
    if fmt not in Message.Format.values:
        raise ValidationError({"format": f"Choose one of: {', '.join(Message.Format.values)}."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"A message has at most {MAX_BODY} characters."})
    if not body and not attachment:
        raise ValidationError({"body": "Write a message or attach a file."})
    return body


def _recipients(sender, recipient_ids) -> list:
    ids = list(dict.fromkeys(str(r) for r in recipient_ids or []))
    if not ids:
        raise ValidationError({"recipients": "Choose at least one person."})
    if len(ids) > MAX_GROUP:
        raise ValidationError({"recipients": f"A conversation has at most {MAX_GROUP} people."})
    found = []
    for public_id in ids:
        try:
            user = selectors.user_by_public_id(public_id)
        except ValidationError:
            user = None
        if user is None or not user.is_active:
            raise ValidationError({"recipients": "Someone you chose is not a member here."}, code="unknown_recipient")
        if user.pk == sender.pk:
            raise ValidationError({"recipients": "You cannot start a conversation with yourself."})
        found.append(user)
    return found


@transaction.atomic
def conversation_start(*, sender, recipient_ids, body: str = "", fmt: str = "plain", title: str = "",
                       upload=None) -> tuple[Conversation, Message | None]:
    """A direct conversation (one recipient: the existing one with that person is reused) or a group
    (several, with a title); the first message is sent at once when there is one."""
    recipients = _recipients(sender, recipient_ids)
    for recipient in recipients:
        if not selectors.can_message(sender=sender, recipient=recipient):
            raise MessagingRefused(f"You cannot send messages to {recipient.get_full_name() or 'this person'}.",
                                   code="not_allowed")
    title = (title or "").strip()[:200]
    if len(recipients) == 1:
        recipient = recipients[0]
        if selectors.block_between(sender, recipient):
            raise MessagingRefused("You cannot message this person: one of you has blocked the other.", code="blocked")
        key = selectors.direct_key(sender.pk, recipient.pk)
        conversation = Conversation.objects.filter(direct_key=key).first()
        if conversation is None:
            try:
                with transaction.atomic():
                    conversation = Conversation.objects.create(kind=Conversation.Kind.DIRECT, direct_key=key,
                                                               created_by=sender)
            except IntegrityError:  # the same pair started one concurrently
                conversation = Conversation.objects.get(direct_key=key)
            else:
                Participant.objects.bulk_create([Participant(conversation=conversation, user=u)
                                                 for u in (sender, recipient)])
    else:
        if not title:
            raise ValidationError({"title": "A group conversation needs a title."})
        conversation = Conversation.objects.create(kind=Conversation.Kind.GROUP, title=title, created_by=sender)
        Participant.objects.bulk_create([Participant(conversation=conversation, user=u) for u in [sender, *recipients]])
    message = None
    if (body or "").strip() or upload is not None:
        message = message_send(sender=sender, conversation=conversation, body=body, fmt=fmt, upload=upload)
    return conversation, message


@transaction.atomic
def message_send(*, sender, conversation: Conversation, body: str = "", fmt: str = "plain", upload=None) -> Message:
    """Send in a conversation the sender belongs to; notify the others (not muted, not blocking the sender)."""
    me = Participant.objects.filter(conversation=conversation, user=sender).first()
    if me is None:
        raise MessagingRefused("You are not part of this conversation.", code="not_participant")
    body = _clean_body(body, fmt, attachment=upload is not None)
    others = list(Participant.objects.filter(conversation=conversation).exclude(user=sender).select_related("user"))
    if conversation.kind == Conversation.Kind.DIRECT and others and selectors.block_between(sender, others[0].user):
        raise MessagingRefused("You cannot message this person: one of you has blocked the other.", code="blocked")
    kind = attachment_check(upload) if upload is not None else None
    message = Message.objects.create(conversation=conversation, sender=sender, body=body, format=fmt,
                                     body_html=render_body(body, fmt))
    if upload is not None:
        attachment = Attachment(message=message, file_name=(upload.name or "")[-255:], file_type=kind,
                                content_type=KINDS[kind][1], size=upload.size)
        upload.seek(0)
        attachment.file.save(safe_file_name(upload.name, kind), upload, save=False)
        attachment.save()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
    Participant.objects.filter(pk=me.pk).update(last_read_at=message.created_at)
    _notify(sender=sender, conversation=conversation, message=message, others=others)
    return message


def _notify(*, sender, conversation: Conversation, message: Message, others: list[Participant]) -> None:
    from tenant_apps.notifications.api import notify

    blockers = set(Block.objects.filter(blocked=sender, blocker__in=[p.user_id for p in others])
                   .values_list("blocker_id", flat=True))
    recipients = [p.user for p in others if not p.muted and p.user_id not in blockers]
    if not recipients:
        return
    preview = " ".join((message.body or "").split())[:140] or f"{message.attachments.count()} attachment(s)"
    notify("message_received", recipients, {
        "sender_name": sender.get_full_name() or "A member", "conversation_title": conversation.title,
        "is_group": conversation.kind == Conversation.Kind.GROUP, "preview": preview,
        "url": reverse("messaging:conversation", args=[conversation.public_id]),
    }, url=reverse("messaging:conversation", args=[conversation.public_id]), actor=sender)


@transaction.atomic
def conversation_mark_read(*, participant: Participant) -> Participant:
    participant.last_read_at = timezone.now()
    Participant.objects.filter(pk=participant.pk).update(last_read_at=participant.last_read_at)
    return participant


@transaction.atomic
def conversation_mute(*, participant: Participant, muted: bool) -> Participant:
    participant.muted = bool(muted)
    Participant.objects.filter(pk=participant.pk).update(muted=participant.muted)
    return participant


@transaction.atomic
def block_create(*, blocker, blocked) -> Block:
    if blocked is None or blocked.pk == blocker.pk:
        raise ValidationError({"user": "Choose someone else to block."})
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    return block


@transaction.atomic
def block_remove(*, blocker, blocked) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=blocked).delete()[0] > 0


@transaction.atomic
def report_create(*, reporter, message: Message, reason: str) -> Report:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what is wrong with this message."})
    if len(reason) > 2000:
        raise ValidationError({"reason": "At most 2000 characters."})
    if message.sender_id == reporter.pk:
        raise ValidationError({"reason": "You cannot report your own message."})
    report, created = Report.objects.get_or_create(message=message, reporter=reporter, defaults={"reason": reason})
    if not created:
        report.reason, report.status, report.resolved_at, report.resolved_by = reason, Report.Status.OPEN, None, None
        report.save(update_fields=["reason", "status", "resolved_at", "resolved_by"])
    audit_log(action="messaging.report", target=("messaging.report", str(report.public_id), "message report"),
              actor=reporter)
    return report


@transaction.atomic
def report_resolve(*, report: Report, actor, note: str = "") -> Report:
    report.status = Report.Status.RESOLVED
    report.resolved_by, report.resolved_at = actor, timezone.now()
    report.resolution_note = (note or "").replace("\x00", "").strip()[:500]
    report.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    audit_log(action="messaging.report_resolve", target=("messaging.report", str(report.public_id), "message report"),
              actor=actor)
    return report
