"""Front door of `lms.certificates`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""

__all__: list[str] = []
