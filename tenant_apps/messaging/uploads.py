"""What a message attachment is, judged by its content (magic bytes), never by its name; size limits."""
from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError

from tenants.api import upload_kind

KINDS = {
    "pdf": ("PDF", "application/pdf"),
    "png": ("PNG image", "image/png"),
    "jpeg": ("JPEG image", "image/jpeg"),
    "gif": ("GIF image", "image/gif"),
    "zip": ("ZIP archive", "application/zip"),
    "txt": ("Text", "text/plain; charset=utf-8"),
}
EXTENSIONS = {"jpeg": "jpg"}


class AttachmentTooLarge(ValidationError):
    """-> 413 on pages and in the API."""


def max_bytes() -> int:
    return int(getattr(settings, "MESSAGING_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024


file_kind = upload_kind  # judged by content (tenants.api), as hand-ins are


def attachment_check(upload) -> str:
    """The detected kind of an acceptable attachment; ValidationError (AttachmentTooLarge for size) otherwise."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise AttachmentTooLarge(f"The file is too large: the limit is {limit // (1024 * 1024)} MB.", code="too_large")
    if not upload.size:
        raise ValidationError("The file is empty.", code="empty_file")
    kind = file_kind(upload)
    if kind is None:
        names = ", ".join(label for label, _ in KINDS.values())
        raise ValidationError(f"This file's content is not a type we accept. Accepted: {names}.", code="bad_file_type")
    return kind


def safe_file_name(name: str, kind: str) -> str:
    stem = (name or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:80] or "attachment"
    return f"{stem}.{EXTENSIONS.get(kind, kind)}"
