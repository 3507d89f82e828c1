"""Webhook handlers for learner payments: switch to the tenant named in the metadata, then
hand over to the services. Each returns the schema it acted in (recorded on the event row)."""
from __future__ import annotations

import logging

from django_tenants.utils import tenant_context

from tenants.api import Tenant

from ..models import ConnectedAccount
from ..webhooks import webhook_handler
from . import ledger, services

logger = logging.getLogger(__name__)


def _tenant_for(metadata: dict) -> Tenant | None:
    if (metadata or {}).get("kind") != services.ORDER_KIND:
        return None
    schema = metadata.get("tenant_schema") or ""
    tenant = Tenant.objects.filter(schema_name=schema, is_template=False).exclude(schema_name="public").first()
    if tenant is None:
        logger.warning("payment event names tenant schema %r, which does not exist", schema[:63])
    return tenant


@webhook_handler("checkout.session.completed", "checkout.session.async_payment_succeeded", "checkout.session.expired")
def _session_settled(event, session: dict):
    if session.get("mode") != "payment":
        return None
    tenant = _tenant_for(session.get("metadata"))
    if tenant is None:
        return None
    with tenant_context(tenant):
        services.order_payment_apply(order_id=session["metadata"].get("order_id"), session_id=session["id"])
    return tenant.schema_name


@webhook_handler("checkout.session.async_payment_failed")
def _session_failed(event, session: dict):
    tenant = _tenant_for(session.get("metadata"))
    if tenant is None:
        return None
    with tenant_context(tenant):
        services.order_payment_failed(order_id=session["metadata"].get("order_id"), session_id=session["id"],
                                      message="The payment did not go through; nothing was charged.")
    return tenant.schema_name


@webhook_handler("payment_intent.payment_failed")
def _attempt_failed(event, intent: dict):
    tenant = _tenant_for(intent.get("metadata"))
    if tenant is None:
        return None
    error = intent.get("last_payment_error") or {}
    with tenant_context(tenant):
        services.order_attempt_failed(order_id=intent["metadata"].get("order_id"),
                                      message=error.get("message") or "The card was declined.")
    return tenant.schema_name


@webhook_handler("refund.created", "refund.updated")
def _refund_changed(event, refund: dict):
    tenant = _tenant_for(refund.get("metadata"))
    if tenant is None:
        return None
    with tenant_context(tenant):
        services.refund_event_apply(stripe_refund=refund)
    return tenant.schema_name


@webhook_handler("payout.paid")
def _payout_paid(event, payout: dict):
    """Connect: money left the institution's Stripe balance for its bank."""
    account = ConnectedAccount.objects.select_related("tenant").filter(stripe_account_id=event.account).first()
    if account is None or not event.account:
        return None
    with tenant_context(account.tenant):
        ledger.payout_record(reference=payout["id"], amount=int(payout["amount"]),
                             currency=(payout.get("currency") or "usd").upper())
    return account.tenant.schema_name
