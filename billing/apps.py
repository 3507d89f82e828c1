from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Plans and subscriptions"

    def ready(self) -> None:
        from tenants.api import tenant_storage_check_register

        from . import connect, subscriptions  # noqa: F401 - register their webhook handlers
        from .limits import storage_check

        tenant_storage_check_register(storage_check)  # every upload, whichever app stores it
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications, through tenants.api)
