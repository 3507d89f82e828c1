"""Bootstrap step (tenants/bootstrap.py): a new institution's site settings and first administrator;
for demo institutions also one member per other role."""
from __future__ import annotations

from django.contrib.auth.models import User

from .roles import Role
from .services import site_initialize, user_create


def site_and_first_admin(bootstrap) -> None:
    if not bootstrap.existing:
        site_initialize(display_name=bootstrap.tenant.name)
        user_create(
            email=bootstrap.admin_email, password=bootstrap.admin_password, first_name=bootstrap.admin_first_name,
            last_name=bootstrap.admin_last_name, role=Role.TENANT_ADMIN, email_verified=True,
        )
    if bootstrap.demo:
        for member in bootstrap.options.get("demo_members", ()):
            if not User.objects.filter(username=member["email"]).exists():
                user_create(email_verified=True, password=bootstrap.admin_password, **member)
