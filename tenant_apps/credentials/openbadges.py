"""Open Badges 3.0 (1EdTech, v3.0.3) credentials on the W3C VC Data Model 2.0: built from plain values.

Pure functions, no database. The recipient is identified without putting their email in clear:
`credentialSubject.identifier` holds an OB3 IdentityObject whose identityHash is
"sha256$" + hex(SHA-256(email + salt)) with a random per-credential salt (OB3 §B.1.5), so whoever
knows the email can check it, and nobody can read it off the credential. The learner's name is
a plaintext IdentityObject (identityType "name"): it is printed on the certificate anyway.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from .proofs import timestamp

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def email_identity(email: str, *, salt: str | None = None) -> dict:
    """An OB3 IdentityObject for an email address: salted SHA-256, never the address itself."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
            "identityHash": f"sha256${digest}", "salt": salt}


def email_matches(identity: dict, email: str) -> bool:
    """Whether a hashed email IdentityObject is this address (a verifier who was given the email)."""
    expected = email_identity(email, salt=identity.get("salt", ""))["identityHash"]
    return secrets.compare_digest(expected, str(identity.get("identityHash", "")))


def status_entry(*, status_list_credential: str, status_list_index: int, purpose: str = "revocation") -> dict:
    """A BitstringStatusListEntry (Bitstring Status List §2.1)."""
    return {
        "id": f"{status_list_credential}#{status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(status_list_index),
        "statusListCredential": status_list_credential,
    }


def open_badge_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    issuer_url: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    recipient_name: str,
    issued_at: datetime,
    recipient_email: str | None = None,
    recipient_id: str | None = None,
    status_list_credential: str | None = None,
    status_list_index: int | None = None,
    grade: str | None = None,
    achievement_type: str = "Certificate",
    credential_name: str | None = None,
    valid_until: datetime | None = None,
) -> dict:
    """An unsigned OpenBadgeCredential. `recipient_id` (e.g. the tenant's URL of the learner or a
    urn:uuid) becomes credentialSubject.id; `recipient_email` only its salted hash."""
    if not (recipient_email or recipient_id):
        raise ValueError("a recipient needs an identifier: an email (hashed) or an id")
    identifiers = [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": recipient_name}]
    if recipient_email:
        identifiers.append(email_identity(recipient_email))
    achievement = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": achievement_name,
        "description": achievement_description,
        "criteria": {"narrative": criteria_narrative},
    }
    subject = {"type": ["AchievementSubject"], "identifier": identifiers, "achievement": achievement}
    if recipient_id:
        subject = {"id": recipient_id} | subject
    if grade:
        grade_id = f"{achievement_id}#grade"
        achievement["resultDescription"] = [{"id": grade_id, "type": ["ResultDescription"], "name": "Grade",
                                             "resultType": "LetterGrade"}]
        subject["result"] = [{"type": ["Result"], "resultDescription": grade_id, "value": grade}]
    issued = timestamp(issued_at)
    credential = {
        "@context": [VC_V2, OB_V3],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential_name or achievement_name,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": issued,
        "awardedDate": issued,
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if valid_until is not None:
        credential["validUntil"] = timestamp(valid_until)
    if status_list_credential is not None:
        if status_list_index is None:
            raise ValueError("a status list needs an index")
        credential["credentialStatus"] = status_entry(status_list_credential=status_list_credential,
                                                      status_list_index=status_list_index)
    return credential
