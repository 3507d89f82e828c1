"""API access is a plan feature: /api/ on an institution whose plan lacks it answers 403 JSON.

Placed after the tenant middleware (it needs the routed schema). The public schema is never
refused, nor are the API's schema and documentation pages (/api/v1/schema/, /api/v1/docs/):
they describe what the API offers and hold no institution data, so an administrator can see
what an upgrade brings. Without a plan (or subscription) nothing is refused.
"""
from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

from tenants.api import PlanLimitExceeded

from .limits import feature_check

OPEN_API_PATHS = ("/api/v1/schema/", "/api/v1/docs/")


class PlanApiAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.path.startswith("/api/") and not request.path.startswith(OPEN_API_PATHS)
                and connection.schema_name != settings.PUBLIC_SCHEMA_NAME):
            try:
                feature_check("api_access", tenant=getattr(request, "tenant", None))
            except PlanLimitExceeded as exc:
                return JsonResponse(exc.as_json(), status=403)
        return self.get_response(request)
