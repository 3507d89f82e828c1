"""Email confirmation for institutions created by public sign-up.

The admin gets a signed, tenant-bound, single-use link; opening it activates the tenant.
"""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "tenants.activation"


def activation_max_age_seconds() -> int:
    return int(getattr(settings, "SIGNUP_PENDING_HOURS", 48)) * 3600


def activation_token_make(*, tenant_uuid: str, user_id: int) -> str:
    return signing.dumps({"t": str(tenant_uuid), "u": user_id}, salt=SALT)


def activation_token_read(token: str) -> dict | None:
    """{"t": tenant uuid, "u": user id} if the signature is good and not expired; else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=activation_max_age_seconds())
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or "t" not in data or "u" not in data:
        return None
    return data


def activation_token_claim(token: str) -> bool:
    """True the first time only (atomic; public-schema cache key)."""
    return cache.add(f"activation-used:{token[-40:]}", 1, timeout=activation_max_age_seconds() + 60)
