"""Signed-in people accept a new policy version before they continue: pages redirect to
/privacy/consent?next=..., the API answers 403 {"code": "consent_required", ...}.

Runs after authentication. API clients with a bearer token are authenticated here too (DRF
authenticates inside the view), with the same classes the API uses; a token that fails is left
for the view to refuse. Exempt: the privacy pages and consent API themselves, signing out and in,
password reset and email links, the API's token endpoints and docs, static and media files.
"""
from __future__ import annotations

from urllib.parse import urlencode

from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse

from .consent import consent_missing

EXEMPT_PREFIXES = (
    "/privacy/", "/static/", "/media/", "/site/logo", "/healthz", "/readyz", "/favicon.ico",
    "/accounts/logout/", "/accounts/login/", "/accounts/password/", "/accounts/reset/", "/accounts/verify/",
    "/accounts/handoff/", "/accounts/invitation/", "/accounts/signup/",
    "/api/v1/auth/", "/api/v1/schema/", "/api/v1/docs/",
    "/api/v1/privacy/policies", "/api/v1/privacy/consents", "/api/v1/privacy/me/",
)
DETAIL = "A new version of the institution's policies is in effect; accept it to continue."


def _api_user(request):
    from rest_framework.exceptions import APIException
    from rest_framework.settings import api_settings

    for auth_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        if auth_class.__name__ == "SessionAuthentication":
            continue
        try:
            found = auth_class().authenticate(request)
        except APIException:
            return None
        if found is not None:
            return found[0]
    return None


class ConsentRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if connection.schema_name == "public" or path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        is_api = path.startswith("/api/")
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False) and is_api and request.META.get("HTTP_AUTHORIZATION"):
            user = _api_user(request)
        if user is None or not getattr(user, "is_authenticated", False):
            return self.get_response(request)
        missing = consent_missing(user=user)
        if not missing:
            return self.get_response(request)
        if is_api:
            return JsonResponse({"code": "consent_required", "detail": DETAIL, "documents": [
                {k: d[k] for k in ("public_id", "kind", "version", "title", "summary", "effective_at")} for d in missing]},
                status=403)
        target = request.get_full_path() if request.method == "GET" else "/"
        response = HttpResponseRedirect("/privacy/consent?" + urlencode({"next": target}))
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = response["Location"]
        return response
