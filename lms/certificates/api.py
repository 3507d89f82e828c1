"""Front door of `lms.certificates`: the only module of this app that other apps import.

For the documents (PDF) and verifiable-credential parts: a `Certificate` row carries everything
they show, as issued (see models.Certificate); `certificate_get_by_number` finds one;
`certificate_credential_attach` seals the write-once `credential` / `status_list_index`;
`certificate_verify` answers valid / revoked / unknown.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .models import Certificate, Revocation
from .selectors import Verification, certificate_get_by_number, certificate_list_for_learner, certificate_verify
from .services import certificate_credential_attach

__all__ = [
    "Certificate",
    "Revocation",
    "Verification",
    "certificate_credential_attach",
    "certificate_get_by_number",
    "certificate_list_for_learner",
    "certificate_verify",
]
