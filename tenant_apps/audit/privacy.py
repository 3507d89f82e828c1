"""What the audit log holds about a person: what they did, and what was done to their account."""
from __future__ import annotations

from django.db.models import Q

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, rows


def about(user) -> Q:
    return Q(actor_id=user.pk) | Q(target_type="auth.user", target_id=str(user.pk))


def audit_export(user) -> ExportPart:
    from .models import AuditEntry

    return ExportPart(records=rows(AuditEntry.objects.filter(about(user)).order_by("created_at", "id"),
                                   ("created_at", "action", "actor_email", "actor_ip", "target_type", "target_label",
                                    "before", "after")))


def audit_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """The log stays (append-only): in entries by or about them, their email, login and full name
    become the pseudonym and the IP address is dropped (tenants.api.audit_anonymise)."""
    from tenants.api import audit_anonymise

    needles = [n for n in {user.email, user.username, user.get_full_name()} if n and len(n) > 2]
    return {"entries_anonymised": audit_anonymise(user_id=user.pk, emails=needles, pseudonym=pseudonym)}


AUDIT = PrivacyProvider(
    area="audit", title="Audit log entries about you",
    holdings=(Holding("tenant_audit.AuditEntry", fields=("actor_email", "actor_ip")),),
    export=audit_export, erase=audit_erase, order=800,
)


def audit_retention(cutoff, dry_run: bool) -> dict:
    from tenants.api import audit_purge

    return {"count": audit_purge(before=cutoff, dry_run=dry_run), "detail": {}}


def register() -> None:
    from tenant_apps.privacy.api import RetentionCategory, privacy_provider_register, retention_category_register

    privacy_provider_register(AUDIT)
    retention_category_register(RetentionCategory(
        key="audit", title="Audit and access logs", default_days=90, min_days=30, max_days=3650, apply=audit_retention,
        help="Sign-ins, role changes, settings, publications, grade changes."))
