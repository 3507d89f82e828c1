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


def _api_user_id(request) -> int | None:
    """The user a bearer token names, checked (signature, expiry, institution) without a query."""
    from django.conf import settings as django_settings
    from rest_framework.exceptions import APIException
    from rest_framework.settings import api_settings
    from rest_framework_simplejwt.exceptions import TokenError

    for auth_class in api_settings.DEFAULT_AUTHENTICATION_CLASSES:
        auth = auth_class()
        if not hasattr(auth, "get_validated_token"):
            continue
        try:
            header = auth.get_header(request)
            raw = auth.get_raw_token(header) if header is not None else None
            if raw is None:
                continue
            token = auth.get_validated_token(raw)
            return token.get(django_settings.SIMPLE_JWT.get("USER_ID_CLAIM", "user_id"))
        except (APIException, TokenError):
            return None
    return None


def _api_user_confirmed(request):
    """Full authentication (the user exists, is active, the token is not revoked): before refusing."""
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
        user_id = user.pk if getattr(user, "is_authenticated", False) else None
        by_token = user_id is None and is_api and bool(request.META.get("HTTP_AUTHORIZATION"))
        if by_token:
            user_id = _api_user_id(request)
        if user_id is None:
            return self.get_response(request)
        missing = consent_missing(user_id=user_id)
        if not missing or (by_token and _api_user_confirmed(request) is None):
            return self.get_response(request)  # nothing to accept, or a token the view will refuse
        if is_api:
            return JsonResponse({"code": "consent_required", "detail": DETAIL, "documents": [
                {k: d[k] for k in ("public_id", "kind", "version", "title", "summary", "effective_at")} for d in missing]},
                status=403)
        target = request.get_full_path() if request.method == "GET" else "/"
        response = HttpResponseRedirect("/privacy/consent?" + urlencode({"next": target}))
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = response["Location"]
        return response
