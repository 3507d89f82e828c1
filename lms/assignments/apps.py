"""Assignments, submissions, grading with rubrics and late penalties, grade release, gradebook."""
from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "lms.assignments"
    label = "assignments"
    verbose_name = "Assignments, grading and gradebook"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from tenant_apps.calendar.api import calendar_source_register, deadline_source_register

        from . import calendar_source

        # the dashboard lists unsubmitted assignments itself (dashboard.py)
        calendar_source_register("assignments", calendar_source.entries, on_dashboard=False)
        deadline_source_register("assignments", calendar_source.deadlines)  # reminders
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
