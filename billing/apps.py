from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Plans and subscriptions"

    def ready(self) -> None:
        from . import connect, subscriptions  # noqa: F401 - register their webhook handlers
