"""Request routing: health probes on every host, host -> tenant schema, suspended tenants."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django_tenants.middleware.main import TenantMainMiddleware


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


class TenantMiddleware(TenantMainMiddleware):
    """django-tenants' host routing, plus: the template never serves, suspended tenants are refused."""

    def get_tenant(self, domain_model, hostname):
        domain = domain_model.objects.select_related("tenant", "tenant__plan").get(domain=hostname)
        if domain.tenant.is_template:
            raise domain_model.DoesNotExist
        return domain.tenant

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
        return None


def unknown_host(request):
    """No tenant owns this host: a plain 404, never any tenant's site."""
    connection.set_schema_to_public()
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Not found.", "code": "unknown_host"}, status=404)
    return render(request, "unknown_host.html", {"host": request.get_host()}, status=404)
