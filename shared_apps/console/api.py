"""Front door of `shared_apps.console`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .access import operator_required

__all__ = [
    "operator_required",
]
