"""The verifiable credential of a certificate: an Open Badges 3.0 credential built from the row as
issued, signed by the institution's key (tenant_apps.credentials) and sealed onto the row.

`credential_seal` runs inside the issuing transaction (services._after_issue): a status-list index
is allocated, the credential built and signed, and both written into the write-once columns with
`certificate_credential_attach`. If anything fails, the certificate is not issued either: one
certificate, one credential. Revocation flips the status bit in the revocation's transaction.
"""
from __future__ import annotations

import uuid

from django.db import connection
from django.urls import reverse

from tenant_apps.credentials import api as credentials
from tenants.api import site_url_for_tenant

from .models import Certificate


def verification_url(number: str) -> str:
    """The public verification page of a number, absolute, on the institution's own subdomain."""
    return site_url_for_tenant(connection.tenant, reverse("certificates:verify", args=[number]))


def _achievement_id(certificate: Certificate) -> str:
    """Stable for one course version's rule set (or one track rule set): the achievement as issued."""
    from lms.courses.api import Course
    from lms.tracks import api as tracks_api

    if certificate.subject_kind == Certificate.Subject.COURSE:
        subject = Course.objects.filter(pk=certificate.course_id).only("uuid").first()
    else:
        subject = tracks_api.Track.objects.filter(pk=certificate.track_id).only("uuid").first()
    base = subject.uuid if subject is not None else certificate.uuid
    return f"urn:uuid:{uuid.uuid5(base, f'{certificate.version_number or 0}:{certificate.rules_digest}')}"


def criteria_narrative(certificate: Certificate) -> str:
    rules = certificate.rules or {}
    parts = []
    if rules.get("min_completion_percent"):
        parts.append(f"at least {rules['min_completion_percent']} % of the {certificate.subject_kind} completed")
    for key, noun in (("quizzes", "quiz"), ("assignments", "assignment"), ("courses", "course"),
                      ("projects", "project"), ("labs", "lab")):
        count = len(rules.get(key) or [])
        if count:
            parts.append(f"{count} required {noun if count == 1 else noun + ('zes' if noun == 'quiz' else 's')} "
                         "at their minimum")
    bands = ", ".join(f"{b['label']} ≥ {b['min_percent']} %" for b in rules.get("grade_bands") or [])
    text = f"Awarded by {certificate.institution_name} for “{certificate.subject_title}”"
    text += (": " + "; ".join(parts)) if parts else ""
    return text + (f". Grade bands of the weighted total: {bands}." if bands else ".")


def credential_document(certificate: Certificate, *, status_index: int | None) -> dict:
    """The unsigned OB3 credential of a certificate, from its fields as issued."""
    email = (certificate.learner.email or "").strip() if certificate.learner_id else ""
    kind = "course" if certificate.subject_kind == Certificate.Subject.COURSE else "track"
    return credentials.open_badge_build(
        credential_id=verification_url(certificate.number),
        achievement_id=_achievement_id(certificate),
        achievement_name=certificate.subject_title,
        achievement_description=f"Certificate of the {kind} “{certificate.subject_title}” at "
                                f"{certificate.institution_name}.",
        criteria_narrative=criteria_narrative(certificate),
        recipient_name=certificate.learner_name,
        recipient_email=email or None,
        recipient_id=None if email else f"urn:uuid:{uuid.uuid5(certificate.uuid, 'recipient')}",
        issued_at=certificate.issued_at,
        status_index=status_index,
        grade=certificate.grade_band or None,
        credential_name=f"{certificate.subject_title} — {certificate.number}",
    )


def credential_seal(certificate: Certificate) -> dict:
    """Allocate a status index, build and sign the credential, attach both (write-once). Call
    inside the issuing (or revoking) transaction."""
    from .services import certificate_credential_attach

    index = credentials.status_index_allocate()
    signed = credentials.credential_sign(credential_document(certificate, status_index=index))
    certificate_credential_attach(certificate=certificate, credential=signed, status_list_index=index)
    return signed
