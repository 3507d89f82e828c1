"""Live sessions of a course: scheduled events with a join link, in the calendar, announced and reminded."""
from django.apps import AppConfig


class LiveSessionsConfig(AppConfig):
    name = "lms.live_sessions"
    label = "live_sessions"
    verbose_name = "Live sessions"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from tenant_apps.calendar.api import calendar_source_register, deadline_source_register

        from . import calendar_source

        calendar_source_register("live_sessions", calendar_source.entries)
        deadline_source_register("live_sessions", calendar_source.reminders)  # an hour before each session
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
