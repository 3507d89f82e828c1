from django.apps import AppConfig


class CohortsConfig(AppConfig):
    name = "lms.cohorts"
    label = "cohorts"
    verbose_name = "Cohorts and trainers"

    def ready(self):
        from . import handlers, privacy

        handlers.connect()  # enrollments and staff changes of courses and tracks
        privacy.register()  # what it holds about people (tenant_apps.privacy)
