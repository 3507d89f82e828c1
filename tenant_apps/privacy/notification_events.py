"""The privacy events this app sends through tenant_apps.notifications (both mandatory: the law asks for them)."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("export_ready", title="Your data export is ready", category="privacy", default="all", mandatory=True,
                   sample={"person": {"first_name": "Ada", "get_full_name": "Ada Lovelace", "email": "ada@example.org"}, "requested_by": None, "institution": "Example College",
                           "download_url": "https://example.org/privacy/exports/ID/download?token=TOKEN",
                           "page_url": "https://example.org/privacy/", "export": {"expires_at": None}})
    event_register("erasure_done", title="Your personal data was erased", category="privacy", default="email",
                   mandatory=True, sample={"request": {}, "held": True, "years": 7})
    event_register("erasure_requested", title="Your account will be erased", category="privacy", default="email",
                   mandatory=True, sample={"user": {"first_name": "Ada", "email": "ada@example.org"},
                                           "cancel_url": "https://example.org/privacy/erasure/cancel/TOKEN",
                                           "request": {"scheduled_for": None}, "days": 14, "by_self": True,
                                           "by_retention": False})
    # a change of the privacy policy or the terms: a service message everyone receives
    event_register("policy_new_version", title="New version of the privacy policy or terms", category="privacy",
                   default="all", mandatory=True,
                   sample={"document": {"version": 2, "get_kind_display": "Privacy policy", "effective_at": None,
                                        "summary": "Clearer retention periods.", "reconsent": True},
                           "page_url": "https://example.org/privacy/policy",
                           "consent_url": "https://example.org/privacy/consent"})
