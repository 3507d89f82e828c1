"""Reads about institutions."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

USAGE_CACHE_KEY = "usage:v1"  # tenant-prefixed by the cache key function
USAGE_CACHE_SECONDS = 24 * 3600

# Usage counters of product apps (e.g. "courses"), registered from their AppConfig.ready():
# the tenancy core counts what it owns (members, stored files) and knows no product.
_usage_counters: dict[str, Callable[[], int]] = {}


def tenant_usage_counter_register(name: str, counter: Callable[[], int]) -> None:
    """`counter()` runs in the institution's schema and returns how many `name` it has."""
    _usage_counters[name] = counter


def tenant_usage_count(name: str) -> int | None:
    """How many `name` (a registered counter) the active institution has now; None if no app counts it."""
    counter = _usage_counters.get(name)
    return int(counter()) if counter is not None else None


def tenant_usage_current() -> dict:
    """Usage figures of the institution whose schema is active; cached for the console."""
    from .storage import tenant_files_size, tenant_storage_used_set

    usage = {
        "schema": connection.schema_name,
        "members": User.objects.filter(is_active=True).count(),
        **{name: counter() for name, counter in sorted(_usage_counters.items())},
        "storage_bytes": tenant_files_size(connection.schema_name),
        "computed_at": timezone.now().isoformat(),
    }
    cache.set(USAGE_CACHE_KEY, usage, USAGE_CACHE_SECONDS)
    tenant_storage_used_set(usage["storage_bytes"])  # the running total the storage checks read
    return usage


def tenant_usage_cached(*, schema_name: str) -> dict | None:
    """The last snapshot the beat job (tenant_usage_refresh_all) took of this institution, if any."""
    with schema_context(schema_name):
        usage = cache.get(USAGE_CACHE_KEY)
    return usage if isinstance(usage, dict) and usage.get("schema") == schema_name else None


def tenant_admin_check(user) -> bool:
    """Is `user` an administrator of the active institution? The role lives with the accounts
    app; the tenancy core reaches it through settings.TENANT_ADMIN_CHECK (a dotted path), so
    apps beside accounts (billing) can guard their admin pages without importing it."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return bool(import_string(settings.TENANT_ADMIN_CHECK)(user))


def tenant_branding() -> dict:
    """The active institution's {"name", "primary_color", "logo"} (settings.TENANT_BRANDING)."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    return dict(import_string(settings.TENANT_BRANDING)())
