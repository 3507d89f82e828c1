"""Response security headers (CSP, Permissions-Policy) and an error reporter that keeps secrets
out of DEBUG error pages."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.debug import SafeExceptionReporterFilter

# Video embeds (lms/courses/video.py) are the only third-party frames.
EMBED_FRAME_SOURCES = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")


def _connect_sources() -> list[str]:
    # The bell's live socket on its own port (tenant_apps/realtime): any host of ours, that port only.
    port = getattr(settings, "REALTIME_WEBSOCKET_PORT", "")
    return ["'self'", f"ws://*:{port}", f"wss://*:{port}"] if port else ["'self'"]


def content_security_policy() -> str:
    storage = []
    endpoint = getattr(settings, "AWS_S3_ENDPOINT_URL", None)
    if getattr(settings, "S3_BUCKET", ""):
        if endpoint:
            parts = urlsplit(endpoint)
            storage.append(f"{parts.scheme}://{parts.netloc}")
        else:
            storage.append(f"https://{settings.S3_BUCKET}.s3.amazonaws.com https://*.s3.amazonaws.com")
    media = " ".join(["'self'", *storage])
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: behaviour lives in static/js
        # Inline style blocks carry the institution's brand colour; no script can run from CSS.
        "style-src 'self' 'unsafe-inline'",
        f"img-src {media} data:",
        f"media-src {media}",
        f"frame-src {' '.join(EMBED_FRAME_SOURCES)}",
        f"connect-src {' '.join(_connect_sources())}",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    ])


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
        "interest-cohort",
    )
) + ", fullscreen=(self \"https://www.youtube-nocookie.com\" \"https://player.vimeo.com\")"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (unless a view set its own)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csp = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Django's filter hides API/TOKEN/KEY/SECRET/PASS/SIGNATURE names; connection URLs carry
    credentials too (DATABASE_URL, REDIS_URL, CACHE_URL, CELERY_BROKER_URL, any DSN), in settings
    and in request.META, which holds the process environment under runserver."""

    hidden_settings = re.compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|_URL$|URL_|DSN|DATABASES|CACHES|BROKER|REDIS|LOCATION",
        flags=re.IGNORECASE,
    )
    # Whatever its name, a connection string (postgres://, redis://, amqp://…) or a URL with
    # credentials in it is hidden too (e.g. CELERY_RESULT_BACKEND is the Redis URL).
    connection_string = re.compile(r"^(?!https?://)[a-z][a-z0-9+.-]*://|^https?://[^/\s]*@", re.IGNORECASE)

    def cleanse_setting(self, key, value):
        if isinstance(value, str) and self.connection_string.match(value):
            return self.cleansed_substitute
        return super().cleanse_setting(key, value)


NUL_MESSAGE = "The address contains a NUL character, which no field accepts."


class RejectNulQueryMiddleware:
    """A NUL character in a query parameter is never valid input and PostgreSQL refuses it in any
    text comparison (a DataError, i.e. a 500, in every filter): answer 400 before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if ("%00" in query or "\x00" in query) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"message": NUL_MESSAGE, "code": "invalid"}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE)
        return self.get_response(request)
