from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    """Certificates learners earn and anyone can verify (tenant schema)."""

    name = "lms.certificates"
    label = "certificates"
    verbose_name = "Certificates"

    def ready(self):
        from .signals import connect_signals

        connect_signals()
