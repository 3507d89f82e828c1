"""Assignments, submissions, grading with rubrics and late penalties, grade release, gradebook."""
from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "lms.assignments"
    label = "assignments"
    verbose_name = "Assignments, grading and gradebook"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
