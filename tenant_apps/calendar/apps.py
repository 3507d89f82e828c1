from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """Deadlines and events of the user, gathered from registered sources; the secret iCal feed (tenant schema)."""

    name = "tenant_apps.calendar"
    label = "calendar"
    verbose_name = "Calendar"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # deadline reminders (tenant_apps.notifications)
