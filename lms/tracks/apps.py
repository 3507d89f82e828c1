from django.apps import AppConfig


class TracksConfig(AppConfig):
    name = "lms.tracks"
    label = "tracks"
    verbose_name = "Tracks (programs) and projects"

    def ready(self):
        from billing.api import product_provider_register

        from .products import TrackProducts

        product_provider_register("track", TrackProducts())
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events, unlocks

        notification_events.register()  # its event types (tenant_apps.notifications)
        unlocks.connect_signals()  # a completed course may open the next item of a track
        from tenant_apps.calendar.api import calendar_source_register, deadline_source_register

        from . import calendar_source

        calendar_source_register("project_steps", calendar_source.entries)
        deadline_source_register("project_steps", calendar_source.deadlines)  # reminders
