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
