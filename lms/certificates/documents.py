"""Certificate and marksheet PDFs (WeasyPrint), rendered from plain data: no model, no query.

The caller (the issuing service) fills a `CertificateData` or a `MarksheetData` from the issued
certificate and the gradebook; this module only lays them out in the tenant-branded templates
`certificates/pdf/certificate.html` and `certificates/pdf/marksheet.html`.

WeasyPrint fetches nothing from outside: `DocumentFetcher` answers only the fonts bundled in
`fonts/` (SIL OFL: EB Garamond and Lato), names in the active tenant's own storage
(`tenant-storage:<name>`), the images of the document being rendered (given as bytes:
`inline:<sha256>`) and `data:` URIs, and refuses every other URL — no network, no other file.
The QR code (segno) is a PNG of the verification URL.

The credential JSON, when given, is embedded twice: byte for byte as the PDF attachment
`credential.json` (an embedded file in the document's /EmbeddedFiles), and as text in the
document information dictionary under `/EducrowdCredential`; `/EducrowdCertificateNumber`
carries the number (in the marksheet too).
pypdf reads them back: `PdfReader(f).attachments["credential.json"][0]`, `PdfReader(f).metadata`.

Speed: each thread keeps one WeasyPrint `FontConfiguration` (the bundled fonts are read and
registered with fontconfig once, not per document) and one parsed stylesheet; fonts are
subset into each PDF.
"""
from __future__ import annotations

import atexit
import datetime
import hashlib
import io
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit

from django.template.loader import render_to_string

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
CREDENTIAL_ATTACHMENT = "credential.json"
CREDENTIAL_INFO_KEY = "/EducrowdCredential"
NUMBER_INFO_KEY = "/EducrowdCertificateNumber"
STORAGE_SCHEME = "tenant-storage"
INLINE_SCHEME = "inline"

PageSize = Literal["A4", "Letter"]
ScoreKind = Literal["quiz", "assignment", "project", "lab", "course"]
PAGE_SIZES = ("A4", "Letter")
SCORE_KINDS = ("quiz", "assignment", "project", "lab", "course")  # "course": a line of a track's marksheet
KIND_LABELS = {"quiz": "Quiz", "assignment": "Assignment", "project": "Project", "lab": "Lab", "course": "Course"}

# An image is bytes (inlined) or the name of a file in the active tenant's storage.
Image = bytes | str | None
Number = Decimal | int | float


class FetchRefused(ValueError):
    """A document asked for something outside the bundled fonts and the tenant's storage."""


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str = ""
    signature: Image = None


@dataclass(frozen=True)
class Branding:
    """The institution as it prints on its documents."""

    name: str
    primary_color: str = "#2563eb"
    logo: Image = None
    signatories: tuple[Signatory, ...] = ()


@dataclass(frozen=True)
class CertificateData:
    branding: Branding
    learner_name: str
    course_title: str  # the course's or the track's title
    issued_on: datetime.date
    grade_band: str  # "A", "B", "C", "Pass", ...
    total_percent: Number
    certificate_number: str
    verification_url: str
    page_size: PageSize = "A4"
    credential_json: bytes | str | None = None  # the signed Open Badges 3.0 credential, embedded as is


@dataclass(frozen=True)
class ScoreLine:
    """One gradebook line. `weight` is its share of the total in percent; `contribution` is the
    percentage points it adds to the total (the gradebook's figure, printed as given)."""

    kind: ScoreKind
    title: str
    score: Number | None  # None: not graded (a lab may count only as completed)
    max_score: Number | None
    weight: Number
    contribution: Number
    note: str = ""  # e.g. "completed", "passed", "late"


@dataclass(frozen=True)
class MarksheetData:
    branding: Branding
    learner_name: str
    course_title: str
    issued_on: datetime.date
    certificate_number: str
    verification_url: str
    lines: tuple[ScoreLine, ...]
    total_score: Number  # sum of the scores
    total_max: Number  # sum of the maxima
    total_percent: Number  # the weighted total, as the gradebook has it
    grade_band: str
    page_size: PageSize = "A4"
    extra: dict = field(default_factory=dict)  # free text rows under the table, {label: value}


# --- formatting -------------------------------------------------------------------------------

def format_number(value: Number | None) -> str:
    """At most two decimals, no trailing zeros: 85 → "85", 85.5 → "85.5", 1/3 → "0.33"."""
    if value is None:
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(value: Number | None) -> str:
    return "—" if value is None else f"{format_number(value)}%"


# --- images and the QR code ------------------------------------------------------------------

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
          (b"RIFF", "image/webp"), (b"<svg", "image/svg+xml"), (b"<?xml", "image/svg+xml"))


def _image_mime(data: bytes) -> str | None:
    head = data[:16].lstrip()
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def _image_src(image: Image, images: dict[str, bytes]) -> str:
    """An image's URL for the template. Bytes are handed to the fetcher by content hash
    (`inline:<sha256>`), not inlined as base64, which the HTML parser would read character by
    character; a storage name becomes a `tenant-storage:` URL."""
    if not image:
        return ""
    if isinstance(image, bytes):
        if _image_mime(image) is None or len(image) > MAX_IMAGE_BYTES:
            return ""
        key = f"{INLINE_SCHEME}:{hashlib.sha256(image).hexdigest()}"
        images[key] = image
        return key
    return f"{STORAGE_SCHEME}:{quote(image)}"


def qr_png(url: str) -> bytes:
    """The verification URL as a QR code (segno, error level M), 4 px a module, 4-module quiet zone."""
    import segno

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=4, border=4)
    return out.getvalue()


def _qr_src(url: str, images: dict[str, bytes]) -> str:
    return _image_src(qr_png(url), images) if url else ""


# --- the URL fetcher -------------------------------------------------------------------------

_font_bytes: dict[str, bytes] = {}


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class DocumentFetcher(URLFetcher):
        """Bundled fonts, the active tenant's storage and data: URIs; nothing else, never the network."""

        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)
            self.inline: dict[str, bytes] = {}  # this render's images given as bytes

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == INLINE_SCHEME and url in self.inline:
                data = self.inline[url]
                return URLFetcherResponse(url, data, {"Content-Type": _image_mime(data)})
            if scheme == "file":
                return URLFetcherResponse(url, _bundled_font(url), {"Content-Type": "font/ttf"})
            if scheme == STORAGE_SCHEME:
                data = _storage_image(unquote(url.split(":", 1)[1]))
                return URLFetcherResponse(url, data, {"Content-Type": _image_mime(data) or "application/octet-stream"})
            raise FetchRefused(f"certificate documents fetch nothing from outside: {url[:80]}")

    return DocumentFetcher


def _bundled_font(url: str) -> bytes:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise FetchRefused(f"not a bundled font: {url[:80]}")
    path = Path(unquote(parts.path)).resolve()
    if path.parent != FONTS_DIR or path.suffix.lower() not in (".ttf", ".otf"):
        raise FetchRefused(f"not a bundled font: {url[:80]}")
    key = path.name
    if key not in _font_bytes:
        _font_bytes[key] = path.read_bytes()
    return _font_bytes[key]


def _storage_image(name: str) -> bytes:
    """A file of the active tenant (the storage prefixes every name with the tenant's schema)."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except (OSError, SuspiciousFileOperation) as exc:
        raise FetchRefused(f"not in this institution's storage: {name[:80]}") from exc
    if len(data) > MAX_IMAGE_BYTES or _image_mime(data) is None:
        raise FetchRefused(f"not an image under 2 MB: {name[:80]}")
    return data


# --- rendering -------------------------------------------------------------------------------

_local = threading.local()


def _engine():
    """Per thread and process (a forked worker builds its own): the fetcher, the font configuration
    (fonts registered once) and the parsed stylesheet."""
    engine = getattr(_local, "engine", None)
    if engine is None or _local.pid != os.getpid():
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fetcher = _fetcher_class()()
        fonts = FontConfiguration()
        css = render_to_string("certificates/pdf/documents.css", {"fonts": FONTS_DIR.as_uri() + "/"})
        stylesheet = CSS(string=css, url_fetcher=fetcher, font_config=fonts, base_url="about:blank")
        engine = _local.engine = (fetcher, fonts, stylesheet)
        _local.pid = os.getpid()
        atexit.register(_fonts_folder_remove, fonts, os.getpid())
    return engine


def _fonts_folder_remove(fonts, pid: int) -> None:
    # WeasyPrint removes its temporary font folder in __del__, which fails at interpreter exit;
    # a forked child leaves its parent's folder alone.
    if pid != os.getpid():
        return
    folder, fonts._folder = fonts._folder, None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _html_to_pdf(html: str, *, images: dict[str, bytes] | None = None, credential: bytes | None = None,
                 number: str = "") -> bytes:
    from weasyprint import HTML, Attachment

    fetcher, fonts, stylesheet = _engine()
    fetcher.inline = images or {}
    try:
        document = HTML(string=html, url_fetcher=fetcher, base_url="about:blank").render(
            stylesheets=[stylesheet], font_config=fonts)
    finally:
        fetcher.inline = {}
    if number:
        document.metadata.custom["EducrowdCertificateNumber"] = number
    attachments = []
    if credential is not None:
        document.metadata.custom["EducrowdCredential"] = credential.decode("utf-8")
        attachments.append(Attachment(
            string=credential, name=CREDENTIAL_ATTACHMENT, relationship="Data", url_fetcher=fetcher,
            description="Open Badges 3.0 credential (W3C Verifiable Credential) of this certificate"))
    return document.write_pdf(attachments=attachments, custom_metadata=True)


def _page_size(value: str) -> str:
    if value not in PAGE_SIZES:
        raise ValueError(f"page size must be one of {', '.join(PAGE_SIZES)}, not {value!r}")
    return value


_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def _color(value: str) -> str:
    """Only a hex colour reaches the stylesheet; anything else is the default blue."""
    return value if value and _HEX_COLOR.fullmatch(value) else "#2563eb"


def _css_string(value: str) -> str:
    """`value` escaped for the inside of a double-quoted CSS string."""
    return "".join(ch if ch.isalnum() or ch in " .,-_" else f"\\{ord(ch):x} " for ch in value)


def _header_context(branding: Branding, page_size: str, images: dict[str, bytes]) -> dict:
    return {
        "institution": branding.name, "institution_css": _css_string(branding.name),
        "color": _color(branding.primary_color),
        "logo": _image_src(branding.logo, images), "page_size": _page_size(page_size),
        "signatories": [{"name": s.name, "title": s.title, "signature": _image_src(s.signature, images)}
                        for s in branding.signatories],
    }


def _certificate_context(data: CertificateData, images: dict[str, bytes]) -> dict:
    return {
        **_header_context(data.branding, data.page_size, images),
        "learner_name": data.learner_name, "course_title": data.course_title, "issued_on": data.issued_on,
        "grade_band": data.grade_band, "total_percent": format_percent(data.total_percent),
        "number": data.certificate_number, "verification_url": data.verification_url,
        "qr": _qr_src(data.verification_url, images),
    }


def _marksheet_context(data: MarksheetData, images: dict[str, bytes]) -> dict:
    lines = []
    for line in data.lines:
        if line.kind not in SCORE_KINDS:
            raise ValueError(f"score line kind must be one of {', '.join(SCORE_KINDS)}, not {line.kind!r}")
        lines.append({
            "kind": KIND_LABELS[line.kind], "title": line.title, "score": format_number(line.score),
            "max": format_number(line.max_score), "weight": format_percent(line.weight),
            "contribution": format_number(line.contribution), "note": line.note,
        })
    weight_sum = sum((Decimal(str(line.weight)) for line in data.lines), Decimal(0))
    return {
        **_header_context(data.branding, data.page_size, images),
        "learner_name": data.learner_name, "course_title": data.course_title, "issued_on": data.issued_on,
        "number": data.certificate_number, "number_css": _css_string(data.certificate_number),
        "verification_url": data.verification_url, "qr": _qr_src(data.verification_url, images), "lines": lines,
        "total_score": format_number(data.total_score), "total_max": format_number(data.total_max),
        "total_weight": format_percent(weight_sum), "total_percent": format_percent(data.total_percent),
        "grade_band": data.grade_band, "extra": list(data.extra.items()),
    }


def render_certificate_pdf(data: CertificateData) -> bytes:
    """The certificate as a one-page landscape PDF (A4 or Letter)."""
    credential = data.credential_json
    if isinstance(credential, str):
        credential = credential.encode("utf-8")
    images: dict[str, bytes] = {}
    html = render_to_string("certificates/pdf/certificate.html", _certificate_context(data, images))
    return _html_to_pdf(html, images=images, credential=credential, number=data.certificate_number)


def render_marksheet_pdf(data: MarksheetData) -> bytes:
    """The score breakdown as a portrait PDF (A4 or Letter), one row per gradebook line."""
    images: dict[str, bytes] = {}
    html = render_to_string("certificates/pdf/marksheet.html", _marksheet_context(data, images))
    return _html_to_pdf(html, images=images, number=data.certificate_number)

