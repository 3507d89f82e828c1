"""`realtime_url`: where the bell's live socket connects (static/js/live.js reads it from the bell)."""
from django.conf import settings
from django.db import connection


def socket_url(request) -> str:
    """ws(s)://<the page's host>[:REALTIME_WEBSOCKET_PORT]/ws/notifications/: the same host keeps the
    tenant and the session cookie (cookies are per host, not per port)."""
    host = request.get_host()
    port = settings.REALTIME_WEBSOCKET_PORT
    if port:
        from django.http.request import split_domain_port

        domain, _ = split_domain_port(host)
        host = f"[{domain}]:{port}" if ":" in domain else f"{domain}:{port}"
    return f"{'wss' if request.is_secure() else 'ws'}://{host}{settings.REALTIME_WEBSOCKET_PATH}"


def socket(request):
    user = getattr(request, "user", None)
    if (not settings.REALTIME_ENABLED or user is None or not user.is_authenticated
            or connection.schema_name == settings.PUBLIC_SCHEMA_NAME):
        return {}
    return {"realtime_url": socket_url(request)}
