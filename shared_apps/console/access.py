"""Who may use the console and what each operator role may do (public-schema users).

Two roles, each a Group in the public schema (created by migration 0001):
- support: read everything, suspend and reactivate institutions;
- admin: everything, including creating and deleting institutions, domains and plans, and
  re-processing failed Stripe webhook events.
A superuser is an admin; any other active staff user is support (the least privilege), so an
operator is never more than their group says.
"""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse

SUPPORT = "support"
ADMIN = "admin"
ROLES = (SUPPORT, ADMIN)
ROLE_GROUPS = {SUPPORT: "operator-support", ADMIN: "operator-admin"}

# Console actions; "view" is reading any console page.
VIEW = "view"
TENANT_SUSPEND = "tenant.suspend"  # suspend and reactivate
TENANT_CREATE = "tenant.create"
TENANT_DELETE = "tenant.delete"
TENANT_DOMAINS = "tenant.domains"
TENANT_PLAN = "tenant.plan"
PLAN_MANAGE = "plan.manage"
WEBHOOK_REPROCESS = "webhook.reprocess"  # re-run failed Stripe webhook events
ROLE_ACTIONS = {
    SUPPORT: frozenset({VIEW, TENANT_SUSPEND}),
    ADMIN: frozenset({VIEW, TENANT_SUSPEND, TENANT_CREATE, TENANT_DELETE, TENANT_DOMAINS, TENANT_PLAN, PLAN_MANAGE,
                      WEBHOOK_REPROCESS}),
}
ACTIONS = ROLE_ACTIONS[ADMIN]


def operator_role(user) -> str | None:
    """'admin', 'support' or None (not an operator); kept on the user object for the request."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return None
    cached = getattr(user, "_operator_role", False)
    if cached is not False:
        return cached
    if user.is_superuser or user.groups.filter(name=ROLE_GROUPS[ADMIN]).exists():
        role = ADMIN
    else:
        role = SUPPORT
    user._operator_role = role
    return role


def is_operator(user) -> bool:
    return operator_role(user) is not None


def operator_may(user, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown console action {action!r}.")
    role = operator_role(user)
    return role is not None and action in ROLE_ACTIONS[role]


def operator_required(view=None, *, action: str = VIEW):
    """Anonymous: to the console login; not an operator, or a role without `action`: 403.

    Use bare (`@operator_required`, reading) or with the action (`@operator_required(action=TENANT_DELETE)`).
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown console action {action!r}.")

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            # The console URLs are only in the public URLconf; fail closed if routing ever changes.
            if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
                raise Http404
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if not is_operator(request.user):
                raise PermissionDenied("This account is not a platform operator.")
            if not operator_may(request.user, action):
                raise PermissionDenied("Your operator role does not allow this; ask a console admin.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
