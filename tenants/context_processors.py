"""Template context: which site is this (platform or institution) and its branding."""
from django.conf import settings


def site(request):
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return {"site": {"name": "EduCrowd", "primary_color": "#4f46e5", "is_public": True, "has_logo": False}}
    from tenant_apps.accounts.roles import is_tenant_admin
    from tenant_apps.accounts.selectors import site_settings_get

    settings_row = site_settings_get()
    user = getattr(request, "user", None)
    return {
        "site": {
            "name": settings_row.display_name,
            "primary_color": settings_row.primary_color,
            "is_public": False,
            "has_logo": bool(settings_row.logo),
            "allow_self_registration": settings_row.allow_self_registration,
        },
        "is_tenant_admin": is_tenant_admin(user) if user is not None else False,
    }
