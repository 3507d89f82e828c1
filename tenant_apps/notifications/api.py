"""Front door of `tenant_apps.notifications`: the only module of this app that other apps import.

Apps register their event types in their AppConfig.ready() with `event_register(...)` and
send with `notify(event, recipients, context, url=..., actor=...)` (or `notify_each` for a
context per recipient). See tenant_apps/notifications/services.py.
"""
from .registry import CATEGORIES, CHOICES, EventType, event_get, event_register, event_types
from .selectors import unread_count
from .services import notify, notify_each, notify_render, unsubscribe_token_make, unsubscribe_url

__all__ = [
    "CATEGORIES",
    "CHOICES",
    "EventType",
    "event_get",
    "event_register",
    "event_types",
    "notify",
    "notify_each",
    "notify_render",
    "unread_count",
    "unsubscribe_token_make",
    "unsubscribe_url",
]
