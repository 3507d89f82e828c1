from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "lms.assignments"
    label = "assignments"
    verbose_name = "Assignments, grading and gradebook"
