from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The institution as data controller: personal-data registry, export, erasure, consent (tenant schema)."""

    name = "tenant_apps.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from . import erasure, export  # export: registers its tasks with the worker
        from . import privacy_policies, retention, retention_accounts, tasks_policies  # noqa: F401 - tasks_policies: the beat task
        from .registry import privacy_provider_register

        privacy_provider_register(export.DATA_EXPORTS)
        retention.register_personal_data()
        privacy_policies.register()
        erasure.register()
        retention_accounts.register()
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
