"""Announcements: per course (by its staff) and tenant-wide (by tenant admins), scheduled, read-tracked."""
from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "lms.announcements"
    label = "announcements"
    verbose_name = "Announcements"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # the "announcement" event (tenant_apps.notifications)
