"""Reads for messages: who may message whom, the inbox with unread counts, one conversation's page.

A conversation is found only through the caller's own Participant row: a stranger's lookup and
a missing id answer the same (None -> 404). Every read here is a constant number of queries.
"""
from __future__ import annotations

from datetime import datetime
from datetime import timezone as dt_timezone

from django.contrib.auth import get_user_model
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tenant_apps.accounts.api import Role, role_of, site_settings_get

from .models import Attachment, Block, Conversation, Message, Participant, Report
from .registry import contact_policies

User = get_user_model()
EPOCH = datetime(2000, 1, 1, tzinfo=dt_timezone.utc)
STAFF_ROLES = frozenset({Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT})


def is_staff_member(user) -> bool:
    return role_of(user) in STAFF_ROLES


def learners_may_message_each_other() -> bool:
    return bool(site_settings_get().messaging_learner_to_learner)


def can_message(*, sender, recipient) -> bool:
    """May `sender` start a conversation with (or add to one) `recipient`? Both of this institution."""
    if recipient is None or sender.pk == recipient.pk or not (sender.is_active and recipient.is_active):
        return False
    roles = role_of(sender), role_of(recipient)
    if None in roles:
        return False
    staff = [r in STAFF_ROLES for r in roles]
    if all(staff):
        return True
    if not any(staff):
        return learners_may_message_each_other()
    return any(policy.allows(sender, recipient) for policy in contact_policies())


def contacts_for(*, user, search: str = "") -> QuerySet:
    """The members `user` may start a conversation with, by name, in a constant number of queries."""
    active = User.objects.filter(is_active=True).exclude(pk=user.pk)
    staff_groups = [r.value for r in STAFF_ROLES]
    staff_q = Q(groups__name__in=staff_groups)
    learner_q = Q(groups__name=Role.LEARNER) & ~Q(groups__name__in=staff_groups)
    reach = Q(pk__in=[])
    if is_staff_member(user):
        reach |= Q(pk__in=User.objects.filter(staff_q).values("pk"))
    elif role_of(user) == Role.LEARNER and learners_may_message_each_other():
        reach |= Q(pk__in=User.objects.filter(learner_q).values("pk"))
    if role_of(user) is not None:
        for policy in contact_policies():
            reach |= Q(pk__in=policy.contacts(user))
    qs = active.filter(reach)
    search = (search or "").replace("\x00", "")[:100]
    if search:
        for word in search.split()[:5]:
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word))
    return qs.select_related("profile").distinct().order_by("first_name", "last_name", "email")


def blocked_ids(*, user) -> set[int]:
    """Whom `user` blocks."""
    return set(Block.objects.filter(blocker=user).values_list("blocked_id", flat=True))


def block_between(a, b) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def blocks_of(*, user) -> QuerySet:
    return Block.objects.filter(blocker=user).select_related("blocked", "blocked__profile").order_by("-created_at")


def _with_unread(qs: QuerySet, user) -> QuerySet:
    """Annotate each Participant row of `user` with `unread`: messages after their last read, not
    their own, not from people they block (one correlated subquery)."""
    unread = (Message.objects.filter(conversation=OuterRef("conversation_id"),
                                     created_at__gt=Coalesce(OuterRef("last_read_at"), Value(EPOCH)))
              .exclude(sender=user)
              .exclude(sender__in=Block.objects.filter(blocker=user).values("blocked"))
              .order_by().values("conversation").annotate(n=Count("pk")).values("n"))
    return qs.annotate(unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))


def inbox_for(*, user) -> list[Participant]:
    """The user's conversations, latest message first, each with `unread`, `conversation.others`
    (the other participants) and `conversation.last` (the last message they may see)."""
    others = Participant.objects.exclude(user=user).select_related("user", "user__profile")
    rows = list(_with_unread(Participant.objects.filter(user=user), user)
                .select_related("conversation")
                .prefetch_related(Prefetch("conversation__participants", queryset=others, to_attr="others"))
                .order_by(F("conversation__last_message_at").desc(nulls_last=True), "-conversation_id"))
    hidden = blocked_ids(user=user)
    last_ids = []
    if rows:
        latest = (Message.objects.filter(conversation=OuterRef("pk")).exclude(sender__in=hidden)
                  .order_by("-created_at", "-id").values("pk")[:1])
        last_ids = list(Conversation.objects.filter(pk__in=[r.conversation_id for r in rows])
                        .annotate(last_id=Subquery(latest)).values_list("last_id", flat=True))
    last = {m.conversation_id: m for m in Message.objects.filter(pk__in=[i for i in last_ids if i])
            .select_related("sender")}
    for row in rows:
        row.conversation.last = last.get(row.conversation_id)
    return rows


def unread_total(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return sum(p.unread for p in _with_unread(Participant.objects.filter(user=user), user).only("pk", "last_read_at"))


def participant_get(*, user, conversation_id) -> Participant | None:
    """The caller's own membership of the conversation, or None (not a member, or no such id)."""
    return (Participant.objects.filter(user=user, conversation__public_id=conversation_id)
            .select_related("conversation").first())


def conversation_others(*, conversation: Conversation, user) -> list:
    return [p.user for p in conversation.participants.exclude(user=user).select_related("user", "user__profile")]


def messages_for(*, user, conversation: Conversation) -> QuerySet:
    """What `user` sees of the conversation: everything but the messages of people they block."""
    return (conversation.messages.exclude(sender__in=Block.objects.filter(blocker=user).values("blocked"))
            .select_related("sender", "sender__profile")
            .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
            .order_by("-created_at", "-id"))


def message_for(*, user, message_id) -> Message | None:
    """A message the user can see (a participant of its conversation, sender not blocked by them)."""
    return (Message.objects.filter(public_id=message_id, conversation__participants__user=user)
            .exclude(sender__in=Block.objects.filter(blocker=user).values("blocked"))
            .select_related("conversation", "sender").first())


def attachment_for(*, user, attachment_id) -> Attachment | None:
    return (Attachment.objects.filter(public_id=attachment_id, message__conversation__participants__user=user)
            .exclude(message__sender__in=Block.objects.filter(blocker=user).values("blocked"))
            .select_related("message").first())


def reports_for_moderation(*, status: str = "open") -> QuerySet:
    qs = Report.objects.select_related("message", "message__sender", "message__conversation", "reporter", "resolved_by")
    if status in (Report.Status.OPEN, Report.Status.RESOLVED):
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def report_get(*, report_id) -> Report | None:
    return Report.objects.filter(public_id=report_id).select_related("message").first()


def user_by_public_id(public_id) -> object | None:
    """A member of THIS institution by their profile's public id (ids of other institutions find no one)."""
    return User.objects.filter(profile__public_id=public_id).select_related("profile").first()


def direct_conversation_existing(*, a, b) -> Conversation | None:
    return Conversation.objects.filter(direct_key=direct_key(a.pk, b.pk)).first()


def direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"
