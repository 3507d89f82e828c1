"""Front door of `tenant_apps.accounts`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .decorators import tenant_admin_required
from .permissions import IsTenantAdmin
from .roles import Role, is_tenant_admin, role_of
from .uploads import LOGO_KINDS, csv_safe_cell, image_kind

__all__ = [
    "IsTenantAdmin",
    "LOGO_KINDS",
    "Role",
    "csv_safe_cell",
    "image_kind",
    "is_tenant_admin",
    "role_of",
    "tenant_admin_required",
]
