"""Front door of `tenant_apps.accounts`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .decorators import tenant_admin_required
from .permissions import IsTenantAdmin
from .roles import Role, is_tenant_admin, role_of
from .selectors import site_settings_get, user_time_zone
from .services import (
    account_lock_reason_register,
    user_anonymise,
    user_erasure_lock,
    user_erasure_unlock,
    user_sessions_end,
)
from .uploads import LOGO_KINDS, csv_safe_cell, image_kind


def site_branding() -> dict:
    """{"name", "primary_color", "logo"}: the stored logo's name in the tenant's storage, or ""."""
    site = site_settings_get()
    return {"name": site.display_name, "primary_color": site.primary_color, "logo": site.logo.name if site.logo else ""}


__all__ = [
    "user_time_zone",
    "IsTenantAdmin",
    "LOGO_KINDS",
    "Role",
    "account_lock_reason_register",
    "csv_safe_cell",
    "image_kind",
    "is_tenant_admin",
    "role_of",
    "site_branding",
    "tenant_admin_required",
    "user_anonymise",
    "user_erasure_lock",
    "user_erasure_unlock",
    "user_sessions_end",
]
