from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Direct and group messages between members of one institution (tenant schema)."""

    name = "tenant_apps.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from . import notification_events, privacy

        privacy.register()  # what it holds about people (tenant_apps.privacy)
        notification_events.register()  # "message_received" (tenant_apps.notifications)
