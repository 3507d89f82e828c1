"""Writes: the user's secret feed token (made, replaced, revoked)."""
from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from tenants.api import audit_log

from .models import FeedToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_token_regenerate(*, user) -> str:
    """A new secret for the user's feed; the previous URL stops working at once. Returns the token
    (shown once: only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    FeedToken.objects.update_or_create(user=user, defaults={"token_hash": token_hash(token), "last_used_at": None})
    audit_log(action="calendar.feed_token", target=user, actor=user, after={"state": "regenerated"})
    return token


@transaction.atomic
def feed_token_revoke(*, user) -> bool:
    deleted, _ = FeedToken.objects.filter(user=user).delete()
    if deleted:
        audit_log(action="calendar.feed_token", target=user, actor=user, after={"state": "revoked"})
    return bool(deleted)
