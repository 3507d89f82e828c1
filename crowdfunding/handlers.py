"""Webhook handlers for pledges: a setup-mode Checkout session completed (card saved) or expired.

Registered with billing's pipeline (billing.api.webhook_handler); each switches to the tenant
named in the session's metadata and returns that schema (recorded on the event row)."""
from __future__ import annotations

import logging

from django_tenants.utils import tenant_context

from billing.api import webhook_handler
from tenants.api import Tenant

from . import services

logger = logging.getLogger(__name__)


def _tenant_for(session: dict) -> Tenant | None:
    metadata = session.get("metadata") or {}
    if session.get("mode") != "setup" or metadata.get("kind") != services.PLEDGE_KIND:
        return None
    schema = str(metadata.get("tenant_schema") or "")
    tenant = Tenant.objects.filter(schema_name=schema, is_template=False).exclude(schema_name="public").first()
    if tenant is None:
        logger.warning("pledge event names tenant schema %r, which does not exist", schema[:63])
    return tenant


@webhook_handler("checkout.session.completed")
def _card_saved(event, session: dict):
    tenant = _tenant_for(session)
    if tenant is None:
        return None
    with tenant_context(tenant):
        services.pledge_card_saved(pledge_id=str(session["metadata"].get("pledge_id") or ""), session_id=session["id"])
    return tenant.schema_name


@webhook_handler("checkout.session.expired")
def _card_page_expired(event, session: dict):
    tenant = _tenant_for(session)
    if tenant is None:
        return None
    with tenant_context(tenant):
        services.pledge_card_expired(pledge_id=str(session["metadata"].get("pledge_id") or ""), session_id=session["id"])
    return tenant.schema_name
