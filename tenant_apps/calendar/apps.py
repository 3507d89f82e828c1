from django.apps import AppConfig


class CalendarConfig(AppConfig):
    """Deadlines and events of the user, gathered from registered sources; the secret iCal feed (tenant schema)."""

    name = "tenant_apps.calendar"
    label = "calendar"
    verbose_name = "Calendar"
