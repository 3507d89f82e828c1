"""Front door of `tenant_apps.credentials`: the only module of this app that other apps import.

Everything runs in the current tenant's schema. See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md
and docs/decisions/0018-verifiable-credentials.md.
"""
from __future__ import annotations

from datetime import datetime

from . import selectors, services
from .openbadges import email_matches, open_badge_credential
from .verify import VerificationResult, verify_credential


def credential_sign(document: dict) -> dict:
    """`document` with an eddsa-jcs-2022 Data Integrity proof by the institution's active key (made on
    first use). Its issuer (or issuer.id) must be `issuer_did()`. The input is not modified."""
    return services.credential_sign(document=document)


def open_badge_build(
    *,
    credential_id: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    recipient_name: str,
    issued_at: datetime,
    status_index: int | None,
    recipient_email: str | None = None,
    recipient_id: str | None = None,
    grade: str | None = None,
    achievement_type: str = "Certificate",
    credential_name: str | None = None,
) -> dict:
    """An unsigned OpenBadgeCredential issued by this institution (issuer profile filled in), with the
    credentialStatus of `status_index` (from `status_index_allocate()`; None: no status). Pass it to
    `credential_sign`. `recipient_email` is only stored salted and hashed."""
    profile = selectors.issuer_profile()
    status = selectors.status_entry(status_index) if status_index is not None else None
    return open_badge_credential(
        credential_id=credential_id, issuer_id=profile["id"], issuer_name=profile["name"], issuer_url=profile["url"],
        achievement_id=achievement_id, achievement_name=achievement_name,
        achievement_description=achievement_description, criteria_narrative=criteria_narrative,
        recipient_name=recipient_name, recipient_email=recipient_email, recipient_id=recipient_id,
        issued_at=issued_at, grade=grade, achievement_type=achievement_type, credential_name=credential_name,
        status_list_credential=status["statusListCredential"] if status else None,
        status_list_index=int(status["statusListIndex"]) if status else None,
    )


def status_index_allocate() -> int:
    """A new revocation status handle (int >= 0); store it with the certificate."""
    return services.status_index_allocate()


def status_set(index: int, revoked: bool = True) -> bool:
    """Revoke (or, revoked=False, reinstate) a handle; the published list is re-signed. Returns whether
    it changed. ValueError for a handle never allocated."""
    return services.status_set(index=index, revoked=revoked)


def status_is_revoked(index: int) -> bool:
    return selectors.status_is_revoked(index)


def issuer_did() -> str:
    """did:web:<the institution's subdomain>, the `issuer.id` of its credentials."""
    return selectors.issuer_did()


def issuer_profile() -> dict:
    """The OB3 issuer Profile, as served at /credentials/issuer.json."""
    return selectors.issuer_profile()


def did_document() -> dict:
    """The DID document served at /.well-known/did.json: every key, active and retired."""
    return selectors.did_document()


def status_list_credential(index: int = 0) -> dict:
    """The signed BitstringStatusListCredential holding `index`, as served at its URL."""
    return services.status_list_signed(status_list=selectors.status_list_for_index(index))


def credential_verify(credential: dict) -> VerificationResult:
    """Verify against this institution's own published keys and status lists (no network): for the
    public verification page. A credential of another issuer is invalid."""
    from .models import StatusList

    status = credential.get("credentialStatus") if isinstance(credential, dict) else None
    entries = status if isinstance(status, list) else [status]
    referenced = {e.get("statusListCredential") for e in entries if isinstance(e, dict)}
    lists = {}
    for listed in StatusList.objects.only("id", "public_id", "number"):
        url = selectors.status_list_url(listed)
        if url in referenced:
            lists[url] = services.status_list_signed(status_list=listed)
    return verify_credential(credential, did_document=selectors.did_document(), status_list=lists)


def issuer_key_rotate(*, actor=None):
    """Retire the active key (still published) and make a new one; audited."""
    return services.issuer_key_rotate(actor=actor)


__all__ = [
    "VerificationResult",
    "credential_sign",
    "credential_verify",
    "did_document",
    "email_matches",
    "issuer_did",
    "issuer_key_rotate",
    "issuer_profile",
    "open_badge_build",
    "status_index_allocate",
    "status_is_revoked",
    "status_list_credential",
    "status_set",
    "verify_credential",
]
