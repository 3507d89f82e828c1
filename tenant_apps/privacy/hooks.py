"""What apps register for erasure beside their provider: the cache keys they keep per person."""
from __future__ import annotations

from typing import Any, Callable

# fn(user) -> key patterns (glob, as given to the cache: the tenant/prefix/version part is added)
_cache_keys: list[Callable[[Any], list[str]]] = []


def erasure_cache_keys_register(fn: Callable[[Any], list[str]]) -> None:
    if fn not in _cache_keys:
        _cache_keys.append(fn)


def erasure_cache_keys(user) -> list[str]:
    return [pattern for fn in _cache_keys for pattern in fn(user)]
