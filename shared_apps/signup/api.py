"""Front door of `shared_apps.signup`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .forms import InstitutionSignupForm

__all__ = [
    "InstitutionSignupForm",
]
