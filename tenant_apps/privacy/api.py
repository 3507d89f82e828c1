"""Front door of `tenant_apps.privacy`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .retention import RetentionCategory, retention_category_register
from .consent import choices_current, choices_update, consent_accept_current, consent_missing, marketing_recipients
from .forms_policies import ChoicesForm, PolicyAcceptanceField
from .policies import bootstrap_policies, policy_current_all
from .hooks import erasure_cache_keys_register
from .registry import (
    ExportPart,
    Holding,
    PrivacyProvider,
    latest_by_user,
    privacy_not_personal,
    privacy_provider_register,
    rows,
    stored_files,
)

__all__ = [
    "RetentionCategory",
    "retention_category_register",
    "ChoicesForm",
    "PolicyAcceptanceField",
    "bootstrap_policies",
    "choices_current",
    "choices_update",
    "consent_accept_current",
    "consent_missing",
    "marketing_recipients",
    "policy_current_all",
    "ExportPart",
    "erasure_cache_keys_register",
    "Holding",
    "PrivacyProvider",
    "latest_by_user",
    "privacy_not_personal",
    "privacy_provider_register",
    "rows",
    "stored_files",
]
