"""Absolute URLs of tenant sites, matching the scheme and port the request came in on."""
from __future__ import annotations


def site_url_for_host(request, host: str, path: str = "/") -> str:
    port = request.get_port()
    default_port = "443" if request.is_secure() else "80"
    netloc = host if port in (default_port, "", None) else f"{host}:{port}"
    return f"{request.scheme}://{netloc}{path}"
