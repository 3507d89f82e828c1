from django.apps import AppConfig


class CommerceConfig(AppConfig):
    """Learners pay the institution: orders, coupons, refunds and the ledger, in each tenant schema."""

    name = "billing.commerce"
    label = "commerce"
    verbose_name = "Learner payments"

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - registers its webhook handlers
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
