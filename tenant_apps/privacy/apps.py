from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """The institution as data controller: personal-data registry, export, erasure, consent (tenant schema)."""

    name = "tenant_apps.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from . import erasure

        erasure.register()
