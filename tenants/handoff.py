"""One-time login hand-off from the public site to a freshly created tenant site.

Sessions are per host and per schema, so after sign-up on the public domain the new admin
is sent to their own site with a short-lived signed token, which is bound to that tenant
and can be redeemed once.
"""
from __future__ import annotations

from django.core import signing
from django.core.cache import cache
from django.db import connection

SALT = "tenants.handoff"
MAX_AGE_SECONDS = 120


def handoff_token_make(*, tenant_uuid: str, user_id: int) -> str:
    return signing.dumps({"t": str(tenant_uuid), "u": user_id}, salt=SALT)


def handoff_token_redeem(token: str) -> int | None:
    """The user id, if the token is valid for the current tenant and unused; else None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    tenant = getattr(connection, "tenant", None)
    if tenant is None or str(getattr(tenant, "uuid", "")) != data.get("t"):
        return None
    # cache.add is atomic: only the first redemption wins (key is tenant-prefixed).
    if not cache.add(f"handoff-used:{token[-40:]}", 1, timeout=MAX_AGE_SECONDS + 10):
        return None
    return data.get("u")
