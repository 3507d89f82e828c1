"""Assignments, submissions, grading with rubrics and late penalties, grade release, gradebook."""
from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "lms.assignments"
    label = "assignments"
    verbose_name = "Assignments, grading and gradebook"
