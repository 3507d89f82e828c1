"""What certificates hold about a person (tenant_apps.privacy): their certificates (issued
name, scores, revocations), the certificates they issued or revoked, bulk jobs they started.

Erasure deletes the person's certificates (the immutable rows allow DELETE, never UPDATE) and
their revocations, drops the cached verification answers (so the public page says "unknown" at
once) and removes them from bulk-issue reports. Staff columns (issued_by, revoked_by,
created_by) keep pointing at the anonymised account.
"""
from __future__ import annotations


def certificates_export(user):
    from tenant_apps.privacy.api import ExportPart, rows

    from .models import BulkIssueJob, Certificate, Revocation

    return ExportPart(records=[
        *({"kind": "certificate", **r} for r in rows(Certificate.objects.filter(learner=user).order_by("issued_at"), (
            "number", "subject_kind", "subject_title", "learner_name", "institution_name", "issued_at", "grade_band",
            "total_percent", "breakdown", "source", "revocation__reason", "revocation__revoked_at"))),
        *({"kind": "certificate_issued_by_you", **r} for r in rows(
            Certificate.objects.filter(issued_by=user).exclude(learner=user), ("number", "issued_at"))),
        *({"kind": "certificate_revoked_by_you", **r} for r in rows(
            Revocation.objects.filter(revoked_by=user), ("certificate__number", "reason", "revoked_at"))),
        *({"kind": "bulk_issue_started_by_you", **r} for r in rows(
            BulkIssueJob.objects.filter(created_by=user), ("uuid", "created_at", "status"))),
    ])


def certificates_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from django.db.models import Q

    from .models import BulkIssueJob, Certificate
    from .selectors import verify_cache_drop

    numbers = list(Certificate.objects.filter(learner=user).values_list("number", flat=True))
    _, deleted = Certificate.objects.filter(learner=user).delete()
    for number in numbers:
        verify_cache_drop(number)
    scrubbed = 0
    for job in BulkIssueJob.objects.filter(~Q(report={})):
        report = {kind: [r for r in rows if r.get("learner") != user.pk] for kind, rows in (job.report or {}).items()}
        if report != job.report:
            BulkIssueJob.objects.filter(pk=job.pk).update(report=report)
            scrubbed += 1
    return {"certificates_deleted": deleted.get(Certificate._meta.label, 0), "bulk_reports_scrubbed": scrubbed}


def register() -> None:
    """Register with tenant_apps.privacy when that app is installed (it is optional here)."""
    from lms.courses.api import import_optional

    privacy = import_optional("tenant_apps.privacy.api")
    if privacy is None:
        return
    privacy.privacy_provider_register(privacy.PrivacyProvider(
        area="certificates", title="Certificates",
        holdings=(
            privacy.Holding("certificates.Certificate", fields=("learner", "learner_name", "issued_by")),
            privacy.Holding("certificates.Revocation", fields=("revoked_by",)),
            privacy.Holding("certificates.BulkIssueJob", fields=("created_by",)),
        ),
        export=certificates_export, erase=certificates_erase, order=260,
    ))
    privacy.privacy_not_personal("certificates.Certificate", ["institution_name"],
                                 "the issuing institution's name, as printed on the certificate")
