"""An institution's audit log (in its own schema): sign-ins, roles, invitations, settings, publishing, grades."""
from tenants.api import AuditEntryBase


class AuditEntry(AuditEntryBase):
    class Meta(AuditEntryBase.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
