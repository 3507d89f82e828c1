"""Request routing: health probes on every host, host -> tenant schema, suspended tenants, the
institution's time zone."""
from __future__ import annotations

import copy
import time
import zoneinfo
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django_tenants.middleware.main import TenantMainMiddleware


_domain_cache: dict[str, tuple[float, object]] = {}


def routing_cache_clear(**_kwargs) -> None:
    """Forget cached host routing (this process); connected to Tenant/Domain saves and deletes."""
    _domain_cache.clear()


class HealthCheckMiddleware:
    """/healthz (process up) and /readyz (database and Redis reachable), whatever the host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            checks = {}
            try:
                connection.set_schema_to_public()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                checks["database"] = "ok"
            except Exception as exc:  # noqa: BLE001 - report any failure as not ready
                checks["database"] = f"error: {exc.__class__.__name__}"
            try:
                cache.set("readyz", "1", 5)
                checks["redis"] = "ok" if cache.get("readyz") == "1" else "error: no read-back"
            except Exception as exc:  # noqa: BLE001
                checks["redis"] = f"error: {exc.__class__.__name__}"
            ready = all(v == "ok" for v in checks.values())
            return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
        return self.get_response(request)


def _tenant_routed(domain_model, hostname: str):
    # Host -> tenant is read on every request; keep it in this process for a few seconds.
    # A suspension or domain change made in another process takes effect within the TTL.
    now = time.monotonic()
    hit = _domain_cache.get(hostname)
    if hit is not None and hit[0] > now:
        if hit[1] is None:
            raise domain_model.DoesNotExist
        return copy.copy(hit[1])
    domain = domain_model.objects.select_related("tenant").filter(domain=hostname).first()
    tenant = domain.tenant if domain is not None and not domain.tenant.is_template else None
    if len(_domain_cache) > 10_000:
        _domain_cache.clear()
    _domain_cache[hostname] = (now + settings.TENANT_ROUTING_CACHE_SECONDS, tenant)
    if tenant is None:
        raise domain_model.DoesNotExist
    return copy.copy(tenant)


def tenant_for_hostname(hostname: str):
    """The tenant (or the public one) serving `hostname` (no port) exactly as HTTP requests are
    routed: Domain rows, never the template, the same per-process cache; None for an unknown host.
    For connections that do not pass through the middleware: the WebSocket server (tenant_apps/realtime)."""
    from django_tenants.utils import get_tenant_domain_model, remove_www

    domain_model = get_tenant_domain_model()
    connection.set_schema_to_public()
    try:
        tenant = _tenant_routed(domain_model, remove_www(hostname))
    except domain_model.DoesNotExist:
        return None
    tenant.domain_url = remove_www(hostname)
    return tenant


class TenantMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus: the template never serves, suspended tenants are refused."""

    def get_tenant(self, domain_model, hostname):
        return _tenant_routed(domain_model, hostname)

    def process_request(self, request):
        response = super().process_request(request)
        if response is not None:
            return response
        tenant = request.tenant
        if tenant.schema_name != settings.PUBLIC_SCHEMA_NAME and tenant.is_suspended:
            message = "This institution's site is suspended. Please contact the platform operator."
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message, "code": "tenant_suspended"}, status=403)
            return render(request, "suspended.html", {"tenant": tenant, "message": message}, status=403)
        if tenant.schema_name != settings.PUBLIC_SCHEMA_NAME and tenant.is_pending:
            message = "This institution is waiting for its administrator to confirm their email."
            if request.path.startswith("/api/"):
                return JsonResponse({"message": message, "code": "tenant_pending"}, status=403)
            return render(request, "pending.html", {"tenant": tenant, "message": message}, status=403)
        return None


def unknown_host(request):
    """No tenant owns this host: a plain 404, never any tenant's site."""
    connection.set_schema_to_public()
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "code": "unknown_host"}, status=404)
    return render(request, "unknown_host.html", {"host": request.get_host()}, status=404)


@lru_cache(maxsize=512)
def _zone(name: str):
    return zoneinfo.ZoneInfo(name)


def tenant_time_zone_activate(tenant) -> None:
    """Times render (and naive form input is read) in the tenant's zone; UTC when it has none."""
    name = getattr(tenant, "time_zone", "") or "UTC"
    if name == "UTC":
        timezone.deactivate()
        return
    try:
        timezone.activate(_zone(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):  # validated on save; a zone gone from tzdata
        timezone.deactivate()


def _user_time_zone(user) -> str:
    """The signed-in user's own zone name ("" = none), asked of the accounts app through
    settings.USER_TIME_ZONE (a dotted path; the tenancy core does not import it)."""
    from django.utils.module_loading import import_string

    path = getattr(settings, "USER_TIME_ZONE", "")
    return import_string(path)(user) if path else ""


class TenantTimeZoneMiddleware:
    """After TenantMiddleware: pages show the institution's local times (Tenant.time_zone), or the
    signed-in user's own zone when they chose one (Profile.time_zone); the database keeps UTC.
    The API stays in UTC (ISO 8601 with Z), whatever the institution or user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Runs after every middleware's request phase, so the session's user is known here.
        tenant = getattr(request, "tenant", None)
        if request.path.startswith("/api/") or tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            name = _user_time_zone(user)
            if name:
                try:
                    timezone.activate(_zone(name))
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    pass  # validated on save; a zone gone from tzdata: the institution's stays
        return None

    def __call__(self, request):
        if request.path.startswith("/api/"):
            timezone.deactivate()
        else:
            tenant_time_zone_activate(getattr(request, "tenant", None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
