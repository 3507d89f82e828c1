"""The enrollment events this app sends through tenant_apps.notifications (a self-enrollment sends none)."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    sample = {"course": {"title": "Analytical Engines"}, "course_url": "https://example.org/courses/engines/"}
    # the receipt already went by email: the enrollment itself shows in the bell
    event_register("enrollment_paid", title="Enrolled after payment", category="course", default="in_app", sample=sample)
    event_register("enrollment_staff", title="Enrolled by staff", category="course", default="all",
                   sample={**sample, "enrolled_by": {"get_full_name": "Grace Hopper", "email": "grace@example.org"}})
