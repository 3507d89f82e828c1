"""Front door of `lms.live_sessions`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import LiveSession
from .selectors import live_session_list_for_course
from .services import live_session_create, live_session_delete, live_session_update

__all__ = [
    "LiveSession",
    "live_session_create",
    "live_session_delete",
    "live_session_list_for_course",
    "live_session_update",
]
