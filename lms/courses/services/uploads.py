"""Files uploaded in the studio: size limits, the cover image check (by its bytes), safe storage names.

Uploaded files are never deleted when a cover or file item is replaced or removed: published
versions keep referring to them by name (see publishing.course_snapshot).
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename

from tenant_apps.accounts.api import LOGO_KINDS, image_kind

COVER_KINDS = LOGO_KINDS


def cover_max_bytes() -> int:
    return getattr(settings, "COURSE_COVER_MAX_BYTES", 5 * 1024 * 1024)


def file_max_bytes() -> int:
    return getattr(settings, "COURSE_FILE_MAX_BYTES", 50 * 1024 * 1024)


class FileTooLarge(ValidationError):
    """An upload over its limit: pages and API answer 413 with this message."""

    def __init__(self, limit: int):
        super().__init__(f"The file is too large: the limit is {filesizeformat(limit)}.", code="too_large")


def _read_capped(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


def cover_upload_read(upload) -> tuple[bytes, str]:
    """(bytes, extension) of an acceptable cover image, judged by its magic bytes."""
    limit = cover_max_bytes()
    if upload.size is not None and upload.size > limit:
        raise FileTooLarge(limit)
    data = _read_capped(upload, limit)
    if len(data) > limit:
        raise FileTooLarge(limit)
    kind = image_kind(data[:16])
    if kind is None:
        raise ValidationError(
            f"Upload a {', '.join(COVER_KINDS.values())} image. This file is not one of those formats.", code="bad_image"
        )
    return data, kind


def file_upload_check(upload) -> None:
    limit = file_max_bytes()
    if upload.size is None or upload.size > limit:
        raise FileTooLarge(limit)
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")


def _stored_name(upload) -> str:
    """A safe storage name: a random part (files are not guessable) plus the original name, shortened."""
    original = get_valid_filename(upload.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) or "file"
    if len(original) > 50:
        stem, dot, ext = original.rpartition(".")
        original = (stem[: 49 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else original[:50]
    return f"{secrets.token_hex(6)}-{original}"


def display_file_name(name: str) -> str:
    """The name people uploaded, without the folder and the random part."""
    base = name.rsplit("/", 1)[-1]
    prefix, dash, rest = base.partition("-")
    return rest if dash and len(prefix) == 12 else base
