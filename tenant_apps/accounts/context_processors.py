"""Template context: which site is this (platform or institution) and its branding."""
from django.conf import settings

from billing.api import plan_feature_enabled

from .roles import Role, role_of
from .selectors import site_settings_get


def site(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return {"branding": {"name": "EduCrowd", "primary_color": "#4f46e5", "is_public": True, "has_logo": False}}
    settings_row = site_settings_get()
    user = getattr(request, "user", None)
    role = role_of(user) if user is not None and user.is_active else None
    return {
        "branding": {
            "name": settings_row.display_name,
            "primary_color": settings_row.primary_color,
            "is_public": False,
            "has_logo": bool(settings_row.logo),
            "allow_self_registration": settings_row.allow_self_registration,
            "hide_powered_by": plan_feature_enabled("branding_removal"),
        },
        "is_tenant_admin": role == Role.TENANT_ADMIN,
        "is_course_staff": role in (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT),
        "can_author": role in (Role.TENANT_ADMIN, Role.INSTRUCTOR),
    }
