from django.apps import AppConfig


class TenantAuditConfig(AppConfig):
    name = "tenant_apps.audit"
    label = "tenant_audit"
    verbose_name = "Audit log"

    def ready(self):
        from . import signals  # noqa: F401 - sign-in and failed sign-in are audited
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
