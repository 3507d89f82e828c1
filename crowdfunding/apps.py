from django.apps import AppConfig


class CrowdfundingConfig(AppConfig):
    """Institutions raise money: all-or-nothing campaigns, reward tiers and pledges (tenant schema)."""

    name = "crowdfunding"
    verbose_name = "Crowdfunding"

    def ready(self) -> None:
        from . import handlers  # noqa: F401 - registers its webhook handlers
