"""Front door of `lms.discussions`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .selectors import moderation_queue, thread_list

__all__ = ["moderation_queue", "thread_list"]
