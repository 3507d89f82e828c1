"""`notify()` for apps below tenant_apps (billing): forwards to settings.NOTIFY_SERVICE, a dotted path
(tenant_apps.notifications.api.notify), so the tenancy core and billing never import the notification app."""
from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def notify(event: str, recipients, context: dict, *, url: str = "", actor=None) -> int:
    return import_string(settings.NOTIFY_SERVICE)(event, recipients, context, url=url, actor=actor)


def notify_event_register(key: str, **options) -> None:
    """Register an event type with the notification app (settings.NOTIFY_EVENT_REGISTER)."""
    import_string(settings.NOTIFY_EVENT_REGISTER)(key, **options)
