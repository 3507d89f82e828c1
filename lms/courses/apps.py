from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "lms.courses"
    label = "courses"
    verbose_name = "Courses, publishing, enrollment and progress"

    def ready(self):
        from .dashboard_cache import connect_signals

        connect_signals()
