"""Front door of `lms.tracks`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import Track, TrackEnrollment
from .selectors import course_lock_reason, tracks_for_dashboard
from .services import (
    project_step_add,
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
    "course_lock_reason",
    "project_step_add",
    "track_add_course",
    "track_add_project",
    "track_create",
    "track_enroll",
    "track_start_course",
    "track_update",
    "tracks_for_dashboard",
]
