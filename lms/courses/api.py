"""Front door of `lms.courses`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .due_dates import active_learners_by_version, active_versions, digest_due
from .content import import_optional
from .dashboard_cache import learner_changed
from .markdown import render_markdown
from .models import ContentItem, Course, CourseVersion, Enrollment
from .permissions import can_edit, can_grade, can_publish, can_view_staff_pages, course_rights, course_staff
from .selectors import enrollment_get, enrollments_for_lists
from .signals import course_staff_removed, enrollment_created
from .services import (
    PaymentRequired,
    course_create,
    course_publish,
    enrollment_create,
    item_create,
    lesson_create,
    module_create,
    move,
    progress_item_complete,
    snapshot_item_uuids,
)

__all__ = [
    "active_learners_by_version",
    "active_versions",
    "digest_due",
    "ContentItem",
    "Course",
    "CourseVersion",
    "Enrollment",
    "PaymentRequired",
    "can_edit",
    "can_grade",
    "can_publish",
    "can_view_staff_pages",
    "course_rights",
    "course_create",
    "course_publish",
    "course_staff",
    "course_staff_removed",
    "enrollment_create",
    "enrollment_created",
    "enrollment_get",
    "enrollments_for_lists",
    "import_optional",
    "item_create",
    "learner_changed",
    "lesson_create",
    "module_create",
    "move",
    "progress_item_complete",
    "render_markdown",
    "snapshot_item_uuids",
]
