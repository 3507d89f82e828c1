from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "lms.quizzes"
    label = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from tenant_apps.calendar.api import calendar_source_register, deadline_source_register

        from . import calendar_source

        # the dashboard lists unsubmitted quizzes itself (dashboard.py)
        calendar_source_register("quizzes", calendar_source.entries, on_dashboard=False)
        deadline_source_register("quizzes", calendar_source.deadlines)  # reminders
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
