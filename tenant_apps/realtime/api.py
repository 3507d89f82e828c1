"""Front door of `tenant_apps.realtime`: the only module of this app that other apps import.

`user_publish(user_id, message)` pushes a JSON message to the open pages of one person of the
active institution; `users_publish([(user_id, message), ...])` does many in one event-loop run.
The notification service calls it after commit (settings.NOTIFICATIONS_REALTIME_PUBLISH).
"""
from .groups import user_group
from .publish import user_publish, users_publish

__all__ = ["user_group", "user_publish", "users_publish"]
