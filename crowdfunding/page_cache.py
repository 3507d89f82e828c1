"""The public campaign page's body, cached for anonymous visitors.

Anonymous visitors all see the same body (story, stretch goals, rewards, updates, a page of
comments, FAQ), so it is rendered once and kept in the cache; the parts that differ per request
(the CSRF token and messages of base.html, time left, the visitor's own pledge) stay outside it.

Freshness: every write that changes what the page shows calls `campaign_page_changed`, which
gives the campaign a new version once the transaction commits; a cached body of another version
is not served. The entry also records the campaign row's `updated_at` and state, and lives
FRAGMENT_SECONDS at most: a write that bypasses the services shows within that time.

Keys go through the project's cache KEY_FUNCTION (django_tenants.cache.make_key), which puts
the tenant schema first: one institution never reads another's body, whatever the slug.
"""
from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import schema_context

FRAGMENT_SECONDS = 30
VERSION_SECONDS = 24 * 3600  # longer than any fragment lives: an expired version only causes a miss
VERSION_KEY = "campaign-page-version:v1:{pk}"
FRAGMENT_KEY = "campaign-page:v1:{pk}:{variant}"


def _bump(campaign_id: int, schema: str) -> None:
    """In `schema`: the key function takes the tenant from the connection, and an on-commit
    callback may run after the code that wrote has left the tenant's context."""
    if connection.schema_name == schema:
        cache.set(VERSION_KEY.format(pk=campaign_id), uuid.uuid4().hex, VERSION_SECONDS)
    else:
        with schema_context(schema):
            cache.set(VERSION_KEY.format(pk=campaign_id), uuid.uuid4().hex, VERSION_SECONDS)


def campaign_page_changed(campaign_id: int | None) -> None:
    """The campaign's public page shows something new: a new version now (what is cached goes
    at once, also for readers inside this transaction) and again after the commit (a reader
    between the two saw the rows before the commit and may have cached them under the first)."""
    if campaign_id is not None:
        schema = connection.schema_name
        _bump(campaign_id, schema)
        transaction.on_commit(lambda: _bump(campaign_id, schema))


def campaign_pages_changed(campaign_ids: Iterable[int]) -> None:
    for campaign_id in set(campaign_ids):
        campaign_page_changed(campaign_id)


def _stamp(campaign) -> str:
    return f"{campaign.updated_at.isoformat()}|{campaign.state}"


def body_cached(*, campaign, variant: str, build: Callable[[], dict]) -> dict:
    """The cached entry {"html", "totals"} for this campaign and variant (host, page of comments,
    ended...), built by `build()` on a miss. One cache round trip on a hit."""
    version_key = VERSION_KEY.format(pk=campaign.pk)
    key = FRAGMENT_KEY.format(pk=campaign.pk, variant=hashlib.sha256(variant.encode()).hexdigest()[:32])
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if entry and entry.get("version") == version and entry.get("stamp") == _stamp(campaign):
        return entry
    entry = {**build(), "version": version, "stamp": _stamp(campaign)}
    cache.set(key, entry, FRAGMENT_SECONDS)
    return entry
