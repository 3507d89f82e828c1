"""Checks and parsing for files administrators upload: member CSV lists and site logos.

Files are judged by their content, never by their name or the browser's content type.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from tenants.api import csv_safe_cell  # the one rule (tenants/csvio.py); re-exported by accounts.api

CSV_COLUMNS = ("email", "first_name", "last_name", "role")

# Binary formats people often upload by mistake instead of a CSV export.
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "This looks like an Excel or OpenDocument workbook. Save it as “CSV UTF-8” and upload that file.",
    b"\xd0\xcf\x11\xe0": "This looks like an old Excel workbook. Save it as “CSV UTF-8” and upload that file.",
    b"%PDF": "This is a PDF document, not a CSV file.",
}

# The logo formats we accept: file extension -> name shown to people.
LOGO_KINDS = {"png": "PNG", "jpg": "JPEG", "webp": "WebP"}


def _read_capped(upload, limit: int) -> bytes:
    """Read at most limit + 1 bytes: enough to tell "too big" without loading a huge file."""
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


def _too_big(limit: int) -> str:
    return f"The file is too large: the limit is {filesizeformat(limit)}."


# --- CSV member lists ----------------------------------------------------------------------


@dataclass(frozen=True)
class CsvRow:
    number: int  # the row's number in the file, the header being row 1 (as a spreadsheet shows it)
    email: str
    first_name: str
    last_name: str
    role: str


def csv_upload_read(upload) -> bytes:
    """The upload's bytes, if it is a CSV member list we can import; ValidationError otherwise."""
    limit = settings.CSV_IMPORT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_big(limit), code="too_large")
    data = _read_capped(upload, limit)
    if len(data) > limit:
        raise ValidationError(_too_big(limit), code="too_large")
    csv_parse(data)  # raises ValidationError with the reason
    return data


def _decode(data: bytes) -> str:
    for signature, message in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ValidationError(message, code="not_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "This is not a UTF-8 text file. Export the list as “CSV UTF-8” and upload it again.", code="not_csv"
        ) from exc
    if "\x00" in text:
        raise ValidationError("This is not a CSV text file.", code="not_csv")
    return text


def _delimiter(header_line: str) -> str:
    # Spreadsheets in many locales export with semicolons.
    return ";" if header_line.count(";") > header_line.count(",") else ","


def csv_parse(data: bytes) -> list[CsvRow]:
    """Rows of a member list (blank lines skipped). The header row must name every column in CSV_COLUMNS."""
    text = _decode(data)
    if not text.strip():
        raise ValidationError("The file is empty.", code="empty")
    first_line = text.lstrip("\r\n").splitlines()[0]
    index: dict[str, int] = {}
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True)
        header: list[str] | None = None
        rows: list[CsvRow] = []
        for number, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [v.strip().lower().replace(" ", "_") for v in values]
                missing = [c for c in CSV_COLUMNS if c not in header]
                if missing:
                    raise ValidationError(
                        f"The first row must be a header naming the columns {', '.join(CSV_COLUMNS)}; "
                        f"missing: {', '.join(missing)}.",
                        code="bad_header",
                    )
                index = {c: header.index(c) for c in CSV_COLUMNS}
                continue
            cell = {c: (values[i].strip() if i < len(values) else "") for c, i in index.items()}
            rows.append(CsvRow(number=number, **cell))
    except csv.Error as exc:
        raise ValidationError(f"The file is not valid CSV: {exc}.", code="not_csv") from exc
    if not rows:
        raise ValidationError("The file has a header but no members.", code="empty")
    return rows




# --- logos ---------------------------------------------------------------------------------


def image_kind(head: bytes) -> str | None:
    """'png', 'jpg' or 'webp' from the file's magic bytes; None for anything else."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def logo_upload_read(upload) -> tuple[bytes, str]:
    """(bytes, extension) of an acceptable logo; ValidationError otherwise."""
    limit = settings.LOGO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_too_big(limit), code="too_large")
    data = _read_capped(upload, limit)
    if len(data) > limit:
        raise ValidationError(_too_big(limit), code="too_large")
    kind = image_kind(data[:16])
    if kind is None:
        raise ValidationError(
            f"Upload a {', '.join(LOGO_KINDS.values())} image. This file is not one of those formats.",
            code="bad_image",
        )
    return data, kind
