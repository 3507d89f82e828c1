"""Front door of `lms.tracks`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import Track, TrackEnrollment
from .permissions import EDIT as TRACK_EDIT
from .permissions import REVIEW as TRACK_REVIEW
from .permissions import has as track_permission_has
from .permissions import track_staff
from .selectors import course_lock_reason, track_items, track_states, tracks_for_dashboard
from .signals import track_staff_removed
from .services import (
    project_step_add,
    project_step_update,
    track_add_course,
    track_add_project,
    track_create,
    track_enroll,
    track_start_course,
    track_update,
)

__all__ = [
    "Track",
    "TrackEnrollment",
    "TRACK_EDIT",
    "TRACK_REVIEW",
    "course_lock_reason",
    "project_step_add",
    "project_step_update",
    "track_add_course",
    "track_add_project",
    "track_create",
    "track_enroll",
    "track_items",
    "track_permission_has",
    "track_states",
    "track_staff",
    "track_staff_removed",
    "track_start_course",
    "track_update",
    "tracks_for_dashboard",
]
