"""The certificate events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("certificate_issued", title="Certificate issued", category="course", default="all",
                   sample={"certificate": {"learner_name": "Ada Lovelace", "subject_title": "Analytical Engines",
                                           "grade_band": "A", "number": "EC-2025-000123"}})
