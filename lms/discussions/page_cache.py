"""The posts of a thread page (opening post, reply count, one page of replies with their
answers), rendered once per viewer kind and kept in the cache.

Every learner of a course sees the same posts, and every staff member the same (they also see
hidden posts, anonymous authors and the moderation buttons): the cached HTML is keyed by the
thread, the page, "staff" or "learner", the time zone and language and the course's URL. Never
one kind's HTML for the other: the anonymous author a staff member sees cannot reach a learner.

What differs per viewer stays out of the shared HTML as markers `<!--NONCE:...-->` (NONCE:
random per entry, so no post body can forge one) replaced on each request, server-side (works
without JS): the CSRF token, the state of the viewer's vote buttons, the "Mark as answer"
forms (the thread's author and staff), the "Report" links (not on one's own posts).

Freshness, like crowdfunding/page_cache.py: every service that changes what the posts show
calls `thread_changed`, which gives the thread a new version now and again once the
transaction commits; an entry of another version is not served. The entry also records the
thread row's stamp (reply count, last activity, answer, lock, the forum's anonymity) and lives
FRAGMENT_SECONDS at most: a change nobody reported (a member renamed) shows within that time.

Keys go through the cache KEY_FUNCTION (django_tenants.cache.make_key): the tenant schema
comes first, so one institution never reads another's posts.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation
from django_tenants.utils import schema_context

FRAGMENT_SECONDS = 60
VERSION_SECONDS = 24 * 3600  # longer than any fragment lives: an expired version only causes a miss
VERSION_KEY = "discussion-thread-version:v1:{pk}"
FRAGMENT_KEY = "discussion-thread:v1:{pk}:{variant}"

VOTED = 'class="small" aria-pressed="true" title="Take back your vote"'
NOT_VOTED = 'class="small secondary" aria-pressed="false" title="Up-vote"'


def _bump(thread_id: int, schema: str) -> None:
    if connection.schema_name == schema:
        cache.set(VERSION_KEY.format(pk=thread_id), uuid.uuid4().hex, VERSION_SECONDS)
    else:
        with schema_context(schema):
            cache.set(VERSION_KEY.format(pk=thread_id), uuid.uuid4().hex, VERSION_SECONDS)


def thread_changed(thread_id: int | None) -> None:
    """The thread's posts show something new: a new version now and again after the commit (a
    reader between the two saw the rows before the commit and may have cached them)."""
    if thread_id is not None:
        schema = connection.schema_name
        _bump(thread_id, schema)
        transaction.on_commit(lambda: _bump(thread_id, schema))


def threads_changed(thread_ids: Iterable[int]) -> None:
    for thread_id in set(thread_ids):
        thread_changed(thread_id)


def _stamp(thread) -> str:
    return (f"{thread.reply_count}|{thread.last_activity_at.isoformat()}|{thread.answer_id}|{thread.is_locked}|"
            f"{thread.forum.allow_anonymous}")


def new_nonce() -> str:
    return secrets.token_hex(8)


def posts_cached(*, thread, staff: bool, page: int, base: str, build: Callable[[], dict]) -> dict:
    """The entry {"html", "nonce", "authors": {post pk: author id}, "count", "number"} for this
    thread page and viewer kind, built by `build()` on a miss. One cache round trip on a hit."""
    variant = "|".join((str(thread.uuid), str(page), "staff" if staff else "learner", timezone.get_current_timezone_name(),
                        translation.get_language() or "", base))
    version_key = VERSION_KEY.format(pk=thread.pk)
    key = FRAGMENT_KEY.format(pk=thread.pk, variant=hashlib.sha256(variant.encode()).hexdigest()[:32])
    found = cache.get_many([version_key, key])
    version, entry = found.get(version_key), found.get(key)
    if entry and version is not None and entry.get("version") == version and entry.get("stamp") == _stamp(thread):
        return entry
    if version is None:  # no version yet (or evicted): start one, so this entry can be told apart from later ones
        version = uuid.uuid4().hex
        cache.set(version_key, version, VERSION_SECONDS)
    entry = {**build(), "version": version, "stamp": _stamp(thread)}
    if entry.get("number") == page:  # an out-of-range page shows another page: not kept under this number
        cache.set(key, entry, FRAGMENT_SECONDS)
    return entry


def personalise(entry: dict, *, user_id: int, voted: set[int], csrf_token: str, can_mark_answer: bool) -> str:
    """The entry's HTML for one viewer: its markers replaced (one pass)."""
    n = entry["nonce"]
    authors = entry["authors"]
    pattern = re.compile(rf"<!--{n}:(?:V:(?P<v>\d+)-->|(?P<c>C)-->|A-->(?P<a>.*?)<!--{n}:/A-->"
                         rf"|R:(?P<r>\d+)-->(?P<rb>.*?)<!--{n}:/R-->)", re.S)

    def replace(m: re.Match) -> str:
        if m.group("v") is not None:
            return VOTED if int(m.group("v")) in voted else NOT_VOTED
        if m.group("c") is not None:
            return csrf_token
        if m.group("a") is not None:  # a span: its own markers (the form's CSRF token) replaced too
            return pattern.sub(replace, m.group("a")) if can_mark_answer else ""
        return pattern.sub(replace, m.group("rb")) if authors.get(int(m.group("r"))) != user_id else ""

    return pattern.sub(replace, entry["html"])
