"""Reads of the notification app: a person's list, the cached unread count, preferences."""
from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from .models import EmailUnsubscribe, Notification, NotificationPreference
from .registry import event_types

UNREAD_CACHE_SECONDS = 300


def unread_cache_key(user_id: int) -> str:
    return f"notifications:unread:{connection.schema_name}:{user_id}"


def notification_list_for_user(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(*, user) -> int:
    """One cached number per person (dropped when a notification arrives or is read)."""
    key = unread_cache_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(user=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def event_types_for_user(user) -> list:
    """The event types that can reach `user`: an "admin" one only administrators, a "staff" one
    course staff and administrators (the preferences page and API list only these)."""
    from tenant_apps.accounts.api import Role, role_of

    role = role_of(user)
    allowed = {"everyone"}
    if role in (Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.TENANT_ADMIN):
        allowed.add("staff")
    if role == Role.TENANT_ADMIN:
        allowed.add("admin")
    return [e for e in event_types() if e.audience in allowed]


def preferences_for_user(*, user) -> list[dict]:
    """The event types of `user` (event_types_for_user) with their current choice:
    [{"event", "choice", "choices", "unsubscribed"}]."""
    stored = dict(NotificationPreference.objects.filter(user=user).values_list("event_key", "choice"))
    unsubscribed = set(EmailUnsubscribe.objects.filter(user=user).values_list("category", flat=True))
    out = []
    for event in event_types_for_user(user):
        choice = stored.get(event.key)
        out.append({"event": event, "choice": choice if choice in event.choices else event.default,
                    "choices": event.choices, "unsubscribed": event.category in unsubscribed and not event.mandatory})
    return out


def unsubscribed_categories(*, user) -> set[str]:
    return set(EmailUnsubscribe.objects.filter(user=user).values_list("category", flat=True))
