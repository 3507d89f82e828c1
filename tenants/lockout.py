"""Login brute-force lock per (username, client IP), kept in the tenant-prefixed cache.

Works the same in the public schema (operators) and in tenant schemas (members), and needs
no tables, so tenant schemas stay small and cheap to clone.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    # Behind a trusted proxy, set the proxy to overwrite REMOTE_ADDR (see platform/README.md).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}"


def is_locked_out(username: str, request) -> bool:
    return cache.get(_key(username, client_ip(request)), 0) >= settings.LOGIN_FAILURE_LIMIT


def record_failure(username: str, request) -> int:
    key = _key(username, client_ip(request))
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        count = 1
    cache.touch(key, settings.LOGIN_LOCKOUT_SECONDS)
    return count


def reset(username: str, request) -> None:
    cache.delete(_key(username, client_ip(request)))


LOCKED_OUT_MESSAGE = "Too many failed attempts. This account is locked for a while on this device; try again later."
