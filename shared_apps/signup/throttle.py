"""Bound the public "Start your institution" sign-up: every accepted form creates a PostgreSQL
schema, so attempts are counted per client IP and across the whole platform in fixed windows
kept in the (Redis) cache. Counters live under the public schema's cache prefix."""
from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tenants.api import client_ip

THROTTLED_MESSAGE = (
    "Too many institutions have been started recently from here or on the platform. "
    "Please try again in a little while."
)


def _window_key(scope: str, window: int) -> str:
    return f"signup-throttle:{scope}:{int(time.time()) // window}"


def _ip_scope(request) -> str:
    return "ip:" + hashlib.sha256((client_ip(request) or "unknown").encode()).hexdigest()[:32]


def _limits(request) -> list[tuple[str, int, int]]:
    window = settings.SIGNUP_THROTTLE_WINDOW_SECONDS
    return [
        (_window_key(_ip_scope(request), window), settings.SIGNUP_THROTTLE_PER_IP, window),
        (_window_key("global", window), settings.SIGNUP_THROTTLE_GLOBAL, window),
    ]


def signup_is_throttled(request) -> bool:
    """True when this client, or the platform as a whole, has used up its sign-ups for now."""
    return any(cache.get(key, 0) >= limit for key, limit, _ in _limits(request))


def signup_record_attempt(request) -> None:
    """Count one sign-up attempt (a valid form about to create an institution)."""
    for key, _limit, window in _limits(request):
        cache.add(key, 0, timeout=window + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)


def signup_retry_after(request) -> int:
    window = settings.SIGNUP_THROTTLE_WINDOW_SECONDS
    return window - int(time.time()) % window


# --- "Resend the verification email": every request counts (known address or not, so the
# throttle tells nothing about which addresses have a pending institution), per client IP, per
# address and platform-wide, in the sign-up's window.

RESEND_THROTTLED_MESSAGE = (
    "Too many verification emails have been requested recently from here or for this address. "
    "Please try again in a little while."
)


def _email_scope(email: str) -> str:
    return "email:" + hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _resend_limits(request, email: str) -> list[tuple[str, int, int]]:
    window = settings.SIGNUP_THROTTLE_WINDOW_SECONDS
    return [
        (_window_key("resend-" + _ip_scope(request), window), settings.SIGNUP_RESEND_PER_IP, window),
        (_window_key("resend-" + _email_scope(email), window), settings.SIGNUP_RESEND_PER_EMAIL, window),
        (_window_key("resend-global", window), settings.SIGNUP_RESEND_GLOBAL, window),
    ]


def resend_is_throttled(request, email: str) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit, _ in _resend_limits(request, email))


def resend_record_attempt(request, email: str) -> None:
    for key, _limit, window in _resend_limits(request, email):
        cache.add(key, 0, timeout=window + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window + 1)
