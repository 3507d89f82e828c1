"""What kind of file a learner handed in, judged by its content (magic bytes), never by its name."""
from __future__ import annotations

import re
import zipfile

from django.core.exceptions import ValidationError

from tenants.api import upload_kind

from .models import FILE_TYPES

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "txt": "text/plain; charset=utf-8",
}
EXTENSIONS = {"jpeg": "jpg"}
# Office Open XML documents are ZIP archives told apart by their main part.
_OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}


class FileTooLarge(ValidationError):
    pass


def _office_kind(upload) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError("The file looks like a ZIP archive but is damaged.", code="bad_file") from exc
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for part, kind in _OOXML_PARTS.items():
            if part in names:
                return kind
    return "zip"


def file_kind(upload) -> str | None:
    """A FILE_TYPES key for the upload's content, or None when it is none of them."""
    kind = upload_kind(upload)
    return _office_kind(upload) if kind == "zip" else kind


def safe_file_name(name: str, kind: str) -> str:
    """The learner's file name made safe for storage, with the extension of what the file really is."""
    stem = (name or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:80] or "submission"
    return f"{stem}.{EXTENSIONS.get(kind, kind)}"


def submission_file_check(upload, *, allowed: list[str], max_mb: int) -> str:
    """The detected kind of an acceptable upload; ValidationError (FileTooLarge for size) otherwise."""
    limit = max_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise FileTooLarge(f"The file is too large: the limit is {max_mb} MB.", code="too_large")
    if not upload.size:
        raise ValidationError("The file is empty.", code="empty_file")
    kind = file_kind(upload)
    names = ", ".join(FILE_TYPES[k] for k in allowed if k in FILE_TYPES) or "none"
    if kind is None:
        raise ValidationError(f"This file's content is not a type we accept. Accepted: {names}.", code="bad_file_type")
    if kind not in allowed:
        raise ValidationError(
            f"This file is a {FILE_TYPES[kind]}, whatever its name says; accepted: {names}.", code="bad_file_type",
        )
    return kind
