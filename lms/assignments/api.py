"""Front door of `lms.assignments`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .gradebook_sources import gradebook_source_register
from .models import Assignment
from .publishing import draft_create
from .selectors import posted_grades_for_course
from .services import assignment_update
from .uploads import CONTENT_TYPES, safe_file_name, submission_file_check

__all__ = [
    "Assignment",
    "CONTENT_TYPES",
    "assignment_update",
    "draft_create",
    "gradebook_source_register",
    "posted_grades_for_course",
    "safe_file_name",
    "submission_file_check",
]
