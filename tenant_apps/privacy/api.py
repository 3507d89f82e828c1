"""Front door of `tenant_apps.privacy`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .hooks import erasure_cache_keys_register
from .registry import (
    ExportPart,
    Holding,
    PrivacyProvider,
    privacy_not_personal,
    privacy_provider_register,
    rows,
    stored_files,
)

__all__ = [
    "ExportPart",
    "erasure_cache_keys_register",
    "Holding",
    "PrivacyProvider",
    "privacy_not_personal",
    "privacy_provider_register",
    "rows",
    "stored_files",
]
