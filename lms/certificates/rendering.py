"""A certificate's documents, filled from the row as issued: the certificate PDF (with its signed
credential embedded), the marksheet PDF (the breakdown the eligibility engine stored at issue) and
the credential JSON.

PDFs are rendered on download, not at issue: issuing 1,000 certificates stays a matter of rows and
signatures, and a document always shows the institution's current branding and signatories around
the facts that never change (name, course, grade, number, scores, credential).
"""
from __future__ import annotations

import json
from decimal import Decimal

from django.utils import timezone

from tenants.api import tenant_branding

from . import documents
from .documents import Branding, CertificateData, MarksheetData, ScoreLine, Signatory
from .models import Certificate
from .sealing import verification_url
from .selectors import certificate_settings_get

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _branding(certificate: Certificate, settings_row) -> Branding:
    try:
        brand = tenant_branding()
    except Exception:  # noqa: BLE001 - a missing site-settings row prints with the defaults
        brand = {}
    return Branding(
        name=certificate.institution_name or brand.get("name", ""),
        primary_color=brand.get("primary_color") or "#2563eb",
        logo=brand.get("logo") or None,
        signatories=tuple(Signatory(s.get("name", ""), s.get("title", ""), s.get("signature") or None)
                          for s in settings_row.signatories or [] if s.get("name")),
    )


def page_size_for(requested: str | None) -> str:
    """The requested size if it is one we print, else the institution's default."""
    if requested in documents.PAGE_SIZES:
        return requested
    return certificate_settings_get().page_size


def credential_json(certificate: Certificate) -> bytes:
    """The signed credential as stored, keys sorted (the database's JSON does not keep their order;
    the proof covers the canonical form, so any order verifies): what the PDF embeds and the download serves."""
    return json.dumps(certificate.credential, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _issued_on(certificate: Certificate):
    return timezone.localtime(certificate.issued_at).date()


def certificate_pdf(certificate: Certificate, *, page_size: str | None = None) -> bytes:
    row = certificate_settings_get()
    return documents.render_certificate_pdf(CertificateData(
        branding=_branding(certificate, row), learner_name=certificate.learner_name,
        course_title=certificate.subject_title, issued_on=_issued_on(certificate), grade_band=certificate.grade_band,
        total_percent=certificate.total_percent, certificate_number=certificate.number,
        verification_url=verification_url(certificate.number), page_size=page_size_for(page_size),
        credential_json=credential_json(certificate) if certificate.credential else None,
    ))


def _d(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def score_lines(certificate: Certificate) -> tuple[tuple[ScoreLine, ...], Decimal, Decimal]:
    """(lines, total score, total max) of the stored breakdown: each line's weight as its share of
    the total in percent and its contribution in percentage points, as the engine computed the total."""
    rows = certificate.breakdown or []
    weight_sum = sum((Decimal(r.get("weight") or "0") for r in rows if Decimal(r.get("weight") or "0") > 0), Decimal(0))
    lines, total_score, total_max = [], Decimal(0), Decimal(0)
    for row in rows:
        weight = Decimal(row.get("weight") or "0")
        share = (weight * HUNDRED / weight_sum) if weight_sum and weight > 0 else Decimal(0)
        percent = _d(row.get("percent")) or Decimal(0)
        contribution = (percent * weight / weight_sum) if weight_sum and weight > 0 else Decimal(0)
        notes = []
        if row.get("required"):
            notes.append(f"required ≥ {row.get('min_percent')} %" if row.get("min_percent") is not None else "required")
            if row.get("met") is not None:
                notes.append("met" if row.get("met") else "not met")
        elif row.get("kind") in ("course", "project") and row.get("met"):
            notes.append("completed")
        if row.get("score") is None:
            notes.append("no score")
        lines.append(ScoreLine(kind=row.get("kind"), title=row.get("title", ""), score=_d(row.get("score")),
                               max_score=_d(row.get("max_score")), weight=share.quantize(CENT),
                               contribution=contribution.quantize(CENT), note=", ".join(notes)))
        total_score += _d(row.get("score")) or Decimal(0)
        total_max += _d(row.get("max_score")) or Decimal(0)
    return tuple(lines), total_score, total_max


def marksheet_pdf(certificate: Certificate, *, page_size: str | None = None) -> bytes:
    row = certificate_settings_get()
    lines, total_score, total_max = score_lines(certificate)
    extra = {"Rule set": certificate.rules_digest}
    if certificate.version_number:
        extra["Course version"] = str(certificate.version_number)
    return documents.render_marksheet_pdf(MarksheetData(
        branding=_branding(certificate, row), learner_name=certificate.learner_name,
        course_title=certificate.subject_title, issued_on=_issued_on(certificate),
        certificate_number=certificate.number, verification_url=verification_url(certificate.number),
        lines=lines, total_score=total_score, total_max=total_max,
        total_percent=certificate.total_percent if certificate.total_percent is not None else Decimal(0),
        grade_band=certificate.grade_band, page_size=page_size_for(page_size), extra=extra,
    ))
