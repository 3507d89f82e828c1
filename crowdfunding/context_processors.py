"""Template context for the site's navigation: is crowdfunding on for this institution, and may
the visitor run campaigns (asked only when a template uses it: signed-in staff)."""
from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from billing.api import plan_feature_enabled


def navigation(request) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return {}
    # cached per institution (no query per page); a crowdfunding page has asked already
    enabled = getattr(request, "crowdfunding_on", None) or plan_feature_enabled("crowdfunding")

    def can_run() -> bool:
        from .services import can_manage_campaigns

        user = getattr(request, "user", None)
        return bool(enabled and user is not None and user.is_authenticated and can_manage_campaigns(user))

    return {"crowdfunding_on": enabled, "can_run_campaigns": SimpleLazyObject(can_run)}
