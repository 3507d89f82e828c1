from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tenant_apps.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from tenants.api import tenant_usage_counter_register

        from .selectors import learner_count, staff_count

        tenant_usage_counter_register("learners", learner_count)
        tenant_usage_counter_register("staff", staff_count)
        from . import privacy as personal_data

        personal_data.register()  # what it holds about people (tenant_apps.privacy)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
