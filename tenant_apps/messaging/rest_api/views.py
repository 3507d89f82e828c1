"""/api/v1/me/conversations...: the caller's conversations, messages, reads, mutes, blocks, reports.

Someone else's conversation or message answers 404 like a missing one; a send the rules refuse
403 with the reason; an attachment too large 413.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tenants.api import SafeJSONParser, TenantApi, error_response

from .. import selectors, services
from ..models import Message
from ..uploads import AttachmentTooLarge

TAGS = ["messages"]
PAGE = 50


def _refusal(exc):
    if isinstance(exc, AttachmentTooLarge):
        return error_response(exc.messages[0], code="too_large", http_status=413)
    if isinstance(exc, services.MessagingRefused):
        return error_response(exc.message, code=exc.code, http_status=403)
    raise exc


class MessagePersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="profile.public_id")
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.email


class MessageAttachmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    file_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, a) -> str:
        from django.urls import reverse

        return reverse("messaging:attachment", args=[a.public_id])


class MessageOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    sender = MessagePersonOutput(allow_null=True)
    body = serializers.CharField()
    format = serializers.CharField()
    html = serializers.CharField(source="body_html")
    created_at = serializers.DateTimeField()
    removed = serializers.SerializerMethodField()
    attachments = MessageAttachmentOutput(many=True)

    def get_removed(self, m) -> bool:
        return m.removed_at is not None


class ConversationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="conversation.public_id")
    kind = serializers.CharField(source="conversation.kind")
    title = serializers.CharField(source="conversation.title")
    last_message_at = serializers.DateTimeField(source="conversation.last_message_at", allow_null=True)
    unread = serializers.IntegerField()
    muted = serializers.BooleanField()
    others = serializers.SerializerMethodField()

    def get_others(self, p) -> list[dict]:
        people = getattr(p.conversation, "others", None)
        users = [o.user for o in people] if people is not None else selectors.conversation_others(
            conversation=p.conversation, user=p.user)
        return MessagePersonOutput(users, many=True).data


class SendInput(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    format = serializers.ChoiceField(choices=Message.Format.values, required=False, default="plain")
    file = serializers.FileField(required=False, allow_null=True)


class StartInput(SendInput):
    recipients = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=services.MAX_GROUP,
                                       help_text="Profile ids of members of this institution")
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


PARSERS = [SafeJSONParser, MultiPartParser, FormParser]


class ConversationListApi(TenantApi):
    parser_classes = PARSERS

    @extend_schema(tags=TAGS, summary="My conversations, latest first, with unread counts",
                   responses=ConversationOutput(many=True))
    def get(self, request):
        rows = selectors.inbox_for(user=request.user)
        return Response({"unread_total": sum(r.unread for r in rows),
                         "results": ConversationOutput(rows, many=True).data})

    @extend_schema(tags=TAGS, summary="Start a direct (one recipient) or group conversation", request=StartInput,
                   responses={201: ConversationOutput})
    def post(self, request):
        data = self.validated(request, StartInput)
        try:
            conversation, _ = services.conversation_start(
                sender=request.user, recipient_ids=data["recipients"], body=data["body"], fmt=data["format"],
                title=data["title"], upload=data.get("file"))
        except (DjangoValidationError, PermissionDenied) as exc:
            return _refusal(exc)
        participant = selectors.participant_get(user=request.user, conversation_id=conversation.public_id)
        row = next(r for r in selectors.inbox_for(user=request.user) if r.pk == participant.pk)
        return Response(ConversationOutput(row).data, status=201)


def _participant(request, id):
    participant = selectors.participant_get(user=request.user, conversation_id=id)
    if participant is None:
        raise Http404
    return participant


class ConversationApi(TenantApi):
    @extend_schema(tags=TAGS, summary="One of my conversations", responses=ConversationOutput)
    def get(self, request, id):
        participant = _participant(request, id)
        row = next(r for r in selectors.inbox_for(user=request.user) if r.pk == participant.pk)
        return Response(ConversationOutput(row).data)


class MessageListApi(TenantApi):
    parser_classes = PARSERS

    @extend_schema(tags=TAGS, summary="Messages of a conversation, newest first (page by ?before=<message id>)",
                   parameters=[OpenApiParameter("before", str, description="a message id")],
                   responses=MessageOutput(many=True))
    def get(self, request, id):
        participant = _participant(request, id)
        qs = selectors.messages_for(user=request.user, conversation=participant.conversation)
        before = request.query_params.get("before")
        if before:
            anchor = qs.filter(public_id=before).first() if _is_uuid(before) else None
            if anchor is None:
                return error_response("Unknown message id in before.", code="invalid", http_status=400)
            qs = qs.filter(created_at__lte=anchor.created_at).exclude(pk__gte=anchor.pk, created_at=anchor.created_at)
        items = list(qs[:PAGE + 1])
        return Response({"results": MessageOutput(items[:PAGE], many=True).data, "has_more": len(items) > PAGE})

    @extend_schema(tags=TAGS, summary="Send a message (JSON, or multipart with a file)", request=SendInput,
                   responses={201: MessageOutput})
    def post(self, request, id):
        participant = _participant(request, id)
        data = self.validated(request, SendInput)
        try:
            message = services.message_send(sender=request.user, conversation=participant.conversation,
                                            body=data["body"], fmt=data["format"], upload=data.get("file"))
        except (DjangoValidationError, PermissionDenied) as exc:
            return _refusal(exc)
        return Response(MessageOutput(message).data, status=201)


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class ReadApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Mark the conversation as read", request=None, responses={204: None})
    def post(self, request, id):
        services.conversation_mark_read(participant=_participant(request, id))
        return Response(status=204)


class MuteInput(serializers.Serializer):
    muted = serializers.BooleanField()


class MuteApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Mute or unmute the conversation's notifications", request=MuteInput,
                   responses={200: MuteInput})
    def post(self, request, id):
        participant = _participant(request, id)
        data = self.validated(request, MuteInput)
        services.conversation_mute(participant=participant, muted=data["muted"])
        return Response({"muted": data["muted"]})


class UnreadOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class UnreadApi(TenantApi):
    @extend_schema(tags=TAGS, summary="How many messages I have not read", responses=UnreadOutput)
    def get(self, request):
        return Response({"unread": selectors.unread_total(user=request.user)})


class ContactsApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Members I may start a conversation with",
                   parameters=[OpenApiParameter("q", str, description="search by name or email")],
                   responses=MessagePersonOutput(many=True))
    def get(self, request):
        q = (request.query_params.get("q") or "")[:100]
        return Response(MessagePersonOutput(selectors.contacts_for(user=request.user, search=q)[:100], many=True).data)


class BlockInput(serializers.Serializer):
    user = serializers.UUIDField(help_text="the member's profile id")


class BlockListApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Whom I block", responses=MessagePersonOutput(many=True))
    def get(self, request):
        return Response(MessagePersonOutput([b.blocked for b in selectors.blocks_of(user=request.user)], many=True).data)

    @extend_schema(tags=TAGS, summary="Block a member", request=BlockInput, responses={201: MessagePersonOutput})
    def post(self, request):
        data = self.validated(request, BlockInput)
        blocked = selectors.user_by_public_id(data["user"])
        if blocked is None:
            return error_response("No such member.", code="unknown_user", http_status=400)
        services.block_create(blocker=request.user, blocked=blocked)
        return Response(MessagePersonOutput(blocked).data, status=201)


class BlockApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Unblock a member", responses={204: None})
    def delete(self, request, id):
        blocked = selectors.user_by_public_id(id)
        if blocked is None or not services.block_remove(blocker=request.user, blocked=blocked):
            raise Http404
        return Response(status=204)


class ReportInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReportOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Report a message to the institution's administrators", request=ReportInput,
                   responses={201: ReportOutput})
    def post(self, request, id):
        message = selectors.message_for(user=request.user, message_id=id)
        if message is None:
            raise Http404
        data = self.validated(request, ReportInput)
        report = services.report_create(reporter=request.user, message=message, reason=data["reason"])
        return Response(ReportOutput(report).data, status=201)
