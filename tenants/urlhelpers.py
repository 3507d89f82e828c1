"""Absolute URLs of tenant sites, matching the scheme and port the request came in on."""
from __future__ import annotations


def site_url_for_host(request, host: str, path: str = "/") -> str:
    # The port the browser used is the one in its Host header (SERVER_PORT is wrong behind a proxy).
    incoming = request.get_host()
    port = incoming.rsplit(":", 1)[1] if ":" in incoming and not incoming.endswith("]") else ""
    netloc = f"{host}:{port}" if port else host
    return f"{request.scheme}://{netloc}{path}"


def site_url_for_tenant(tenant, path: str = "/") -> str:
    """An absolute URL on the institution's own subdomain, for links built without a request
    (emails sent by tasks, Stripe return URLs): settings.SITE_SCHEME and SITE_PORT."""
    from django.conf import settings

    from .services import tenant_domain_for

    port = str(settings.SITE_PORT or "")
    default = {"http": "80", "https": "443"}.get(settings.SITE_SCHEME)
    netloc = tenant_domain_for(tenant.slug) + (f":{port}" if port and port != default else "")
    return f"{settings.SITE_SCHEME}://{netloc}{path}"
