"""Scoped, cache-backed API throttles. Counters live in the default (Redis) cache, whose keys
carry the tenant schema, so each institution's clients are counted apart. Rates are read from
settings on every request (API_THROTTLE_RATES), so they follow env vars and test overrides."""
from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import ScopedRateThrottle


class ScopedThrottle(ScopedRateThrottle):
    """Per client IP (anonymous endpoints) rate for the view's `throttle_scope`."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)
