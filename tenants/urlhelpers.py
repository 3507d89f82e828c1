"""Absolute URLs of tenant sites, matching the scheme and port the request came in on."""
from __future__ import annotations


def site_url_for_host(request, host: str, path: str = "/") -> str:
    # The port the browser used is the one in its Host header (SERVER_PORT is wrong behind a proxy).
    incoming = request.get_host()
    port = incoming.rsplit(":", 1)[1] if ":" in incoming and not incoming.endswith("]") else ""
    netloc = f"{host}:{port}" if port else host
    return f"{request.scheme}://{netloc}{path}"
