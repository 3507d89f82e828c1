from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    """Institutions raise money: all-or-nothing campaigns, reward tiers and pledges (tenant schema)."""

    name = "crowdfunding"
    verbose_name = "Crowdfunding"

    def ready(self) -> None:
        from billing.api import product_provider_register

        from . import handlers, settlement  # noqa: F401 - register webhook handlers and settlement tasks
        from .products import PledgePayments

        product_provider_register("pledge", PledgePayments())
        from tenant_apps.calendar.api import calendar_source_register

        from . import calendar_source

        calendar_source_register("campaigns", calendar_source.entries)
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
