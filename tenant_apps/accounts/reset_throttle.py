"""Bound the public "forgot password" form per client IP (each accepted form can email a
stranger's address). Fixed windows counted in the tenant's (Redis) cache, as
tenants/signup_throttle.py does for institution sign-up."""
from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

from tenants.api import lockout

client_ip = lockout.client_ip

THROTTLED_MESSAGE = "Too many password reset requests from here. Please try again in a little while."


def _key(request) -> str:
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS
    ip = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"password-reset-throttle:{ip}:{int(time.time()) // window}"


def is_throttled(request) -> bool:
    return cache.get(_key(request), 0) >= settings.PASSWORD_RESET_THROTTLE_PER_IP


def record(request) -> None:
    key, timeout = _key(request), settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS + 1
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)


def retry_after() -> int:
    window = settings.PASSWORD_RESET_THROTTLE_WINDOW_SECONDS
    return window - int(time.time()) % window
