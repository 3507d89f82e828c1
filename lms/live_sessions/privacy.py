"""What live sessions hold about a person: the sessions they scheduled (kept, on the anonymised account)."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, rows


def live_sessions_export(user) -> ExportPart:
    from .models import LiveSession

    return ExportPart(records=[{"kind": "live_session_scheduled", **r} for r in rows(
        LiveSession.objects.filter(created_by=user).order_by("created_at"),
        ("uuid", "course__slug", "title", "starts_at", "ends_at", "created_at"))])


def live_sessions_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """The course's sessions stay; who scheduled them is forgotten."""
    from .models import LiveSession

    return {"live_sessions_unlinked": LiveSession.objects.filter(created_by=user).update(created_by=None)}


LIVE_SESSIONS = PrivacyProvider(
    area="live_sessions", title="Live sessions you scheduled",
    holdings=(Holding("live_sessions.LiveSession", fields=("created_by",)),),
    export=live_sessions_export, erase=live_sessions_erase, order=260,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(LIVE_SESSIONS)
