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
    """A new link every time (a nonce: two tokens made in the same second differ, so each is
    claimed on its own). Earlier tokens of the tenant stay valid until they expire; once any one
    is used the institution is active and the others are refused."""
    import secrets

    return signing.dumps({"t": str(tenant_uuid), "u": user_id, "n": secrets.token_urlsafe(6)}, salt=SALT)


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


def activation_pending_admins(email: str) -> list[tuple[object, object]]:
    """(tenant, admin user) of every institution still pending whose sign-up admin is `email`.

    Pending institutions are few (sign-up is throttled, they expire after SIGNUP_PENDING_HOURS),
    so each one's schema is asked in turn. Active, suspended and template tenants never match.
    """
    from django.contrib.auth.models import User
    from django.db import connection
    from django_tenants.utils import tenant_context

    from .models import Tenant

    username = (email or "").strip().lower()
    if not username:
        return []
    found = []
    try:
        for tenant in Tenant.objects.filter(status=Tenant.Status.PENDING, is_template=False).order_by("created_at"):
            with tenant_context(tenant):
                user = User.objects.filter(username=username, is_active=True, groups__name="tenant_admin").first()
            if user is not None:
                found.append((tenant, user))
    finally:
        connection.set_schema_to_public()
    return found
