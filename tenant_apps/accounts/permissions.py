"""DRF permission for the institution's administrators (roles are this app's business)."""
from rest_framework import permissions

from .roles import is_tenant_admin


class IsTenantAdmin(permissions.BasePermission):
    message = "Only the institution's administrators can do this."

    def has_permission(self, request, view):
        return is_tenant_admin(request.user)
