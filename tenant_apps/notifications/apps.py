from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """One notification service for every app: event types, preferences, in-app bell, email, digest (tenant schema)."""

    name = "tenant_apps.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import privacy as personal_data
        from . import tasks  # noqa: F401 - the digest beat task

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
