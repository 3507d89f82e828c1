"""Who a WebSocket handshake is: the tenant its Host header routes to, the user its session cookie
names in that tenant's schema. The same rules as an HTTP request (tenants.middleware, Django's
session and auth), read in one sync call so the schema switch and the reads share a thread."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django_tenants.utils import tenant_context

from tenants.api import tenant_for_hostname

# Close codes the page's script understands (static/js/live.js): stop, keep polling.
NOT_SIGNED_IN = 4401
REFUSED = 4403


@dataclass(frozen=True)
class SocketIdentity:
    schema_name: str
    user_id: int | None  # None: the host is an institution's but the session is nobody's there


def _header(scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin1")
    return ""


def socket_hostname(scope) -> str | None:
    """The Host header's name (no port), validated against ALLOWED_HOSTS as Django does; None if bad."""
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return domain


def same_site_origin(scope, hostname: str) -> bool:
    """A browser's handshake must come from a page of the same host (any port: the socket has its
    own); no Origin at all (a non-browser client) carries no ambient cookie risk and passes."""
    origin = _header(scope, b"origin")
    if not origin:
        return True
    from urllib.parse import urlsplit

    try:
        return (urlsplit(origin).hostname or "") == hostname.lower()
    except ValueError:
        return False


def socket_identity(scope) -> SocketIdentity | None:
    """None: no institution serves this host (unknown, public site, template, suspended, pending),
    or the request is cross-site. Otherwise the tenant schema and the signed-in user's id (or None)."""
    try:
        hostname = socket_hostname(scope)
    except DisallowedHost:
        hostname = None
    if hostname is None or not same_site_origin(scope, hostname):
        return None
    try:
        tenant = tenant_for_hostname(hostname)
        if (tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME
                or tenant.is_suspended or tenant.is_pending):
            return None
        cookies = parse_cookie(_header(scope, b"cookie"))
        session_key = cookies.get(settings.SESSION_COOKIE_NAME)
        user_id = None
        if session_key:
            with tenant_context(tenant):
                store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
                user = get_user(SimpleNamespace(session=store))
                if user.is_authenticated and user.is_active:
                    user_id = user.pk
        return SocketIdentity(schema_name=tenant.schema_name, user_id=user_id)
    finally:
        connection.set_schema_to_public()
