"""Course discussions: forums, threads, replies, votes, moderation, graded forums, search."""
from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "lms.discussions"
    label = "discussions"
    verbose_name = "Course discussions"

    def ready(self) -> None:
        from . import notification_events
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        notification_events.register()  # discussion_reply, discussion_mention (tenant_apps.notifications)
        from lms.assignments.api import gradebook_source_register

        from .grading import gradebook_columns

        gradebook_source_register("discussion", gradebook_columns)  # graded forums appear in the gradebook
