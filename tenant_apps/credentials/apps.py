from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    """An institution's issuer identity: Ed25519 keys, Data Integrity proofs, status lists (tenant schema)."""

    name = "tenant_apps.credentials"
    label = "credentials"
    verbose_name = "Verifiable credentials"
