from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Certificates learners earn and anyone can verify (tenant schema)."""

    name = "lms.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from . import privacy as personal_data
        from .signals import connect_signals

        connect_signals()
        personal_data.register()  # what it holds about people (tenant_apps.privacy, when installed)
        from . import notification_events

        notification_events.register()  # its event types (tenant_apps.notifications)
