"""Reads about institutions."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection


def tenant_usage_current() -> dict:
    """Usage figures of the institution whose schema is active; cached for the console."""
    from tenant_apps.accounts.api import Role

    usage = {
        "schema": connection.schema_name,
        "members": User.objects.filter(is_active=True).count(),
        "learners": User.objects.filter(is_active=True, groups__name=Role.LEARNER).count(),
    }
    cache.set("usage:v1", usage, 24 * 3600)  # tenant-prefixed by the cache key function
    return usage
