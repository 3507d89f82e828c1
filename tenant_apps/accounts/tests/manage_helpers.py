"""Helpers shared by the tenant-admin tests (pages and API)."""
from __future__ import annotations

import struct
import zlib
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import PASSWORD


def client_as(site, user) -> Client:
    # Site.client(user) logs in from the public schema; the session and last_login belong in the tenant's.
    with site:
        return site.client(user)


def jwt_for(site, email: str, password: str = PASSWORD) -> str:
    response = Client(HTTP_HOST=site.host).post(
        "/api/v1/auth/token", {"email": email, "password": password}, content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["access"]


def api_client(site, token: str | None = None, host: str | None = None) -> Client:
    """A client for `host` (default: the site's own) sending `token` as a Bearer token."""
    headers = {"HTTP_HOST": host or site.host}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client(**headers)


def text(response) -> str:
    return unescape(response.content.decode())


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, minimal RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def csv_file(body: str | bytes, name: str = "members.csv", content_type: str = "text/csv") -> SimpleUploadedFile:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Stored files (imports, logos) go to a temporary folder instead of the test data folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
