"""The public schema's audit log: what platform operators did (tenants, domains, plans)."""
from tenants.api import AuditEntryBase


class OperatorAuditEntry(AuditEntryBase):
    class Meta(AuditEntryBase.Meta):
        verbose_name = "operator audit entry"
        verbose_name_plural = "operator audit entries"
