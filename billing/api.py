"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from django.urls import reverse

from tenants.api import PlanLimitExceeded

from . import money
from .commerce.offsession import OffSessionCharge, SavedCardCharge, saved_card_charge, saved_card_charges, saved_card_refund
from .commerce.saved_cards import (
    CardSetupSession,
    CardSetupUnavailable,
    SavedCard,
    card_customer_create,
    card_setup_result,
    card_setup_start,
    payments_simulated,
)
from .commerce.selectors import product_ledger_totals, receipt_url_for
from .commerce.products import Product, ProductProvider, price_currency_check, product_provider_register, tenant_currency
from .connect import SaleNotReady, billing_page_path, sale_ready_check
from .limits import (
    LEARNER_REFUSAL,
    feature_check,
    limit_check,
    limit_refusal_html,
    limit_refusal_notify,
    limit_refusal_plain,
    plan_feature_enabled,
)
from .models import ConnectedAccount, Plan, StripeEvent, Subscription
from .money import Money
from .revenue import (
    billing_overview,
    stripe_event_counts,
    stripe_event_get,
    stripe_event_list_for_console,
    subscription_list_for_console,
    subscription_price_label,
)
from .selectors import connect_account_for, connect_account_ready, plan_list_available, tenant_plan
from .services import plan_create, plan_delete, plan_update, tenant_plan_change
from .webhooks import events_reprocess, webhook_handler


def buy_url(kind: str, ref: str) -> str:
    """The page where a learner buys product `kind`/`ref` on the active tenant's site."""
    return reverse("commerce:buy", args=[kind, ref])


__all__ = [
    "CardSetupSession",
    "CardSetupUnavailable",
    "ConnectedAccount",
    "LEARNER_REFUSAL",
    "PlanLimitExceeded",
    "feature_check",
    "limit_check",
    "limit_refusal_html",
    "limit_refusal_notify",
    "limit_refusal_plain",
    "Money",
    "OffSessionCharge",
    "Plan",
    "Product",
    "ProductProvider",
    "SaleNotReady",
    "SavedCard",
    "SavedCardCharge",
    "StripeEvent",
    "Subscription",
    "billing_overview",
    "billing_page_path",
    "buy_url",
    "card_customer_create",
    "card_setup_result",
    "card_setup_start",
    "connect_account_for",
    "connect_account_ready",
    "events_reprocess",
    "money",
    "payments_simulated",
    "plan_create",
    "product_ledger_totals",
    "plan_delete",
    "plan_feature_enabled",
    "plan_list_available",
    "plan_update",
    "price_currency_check",
    "product_provider_register",
    "receipt_url_for",
    "sale_ready_check",
    "saved_card_charge",
    "saved_card_charges",
    "saved_card_refund",
    "stripe_event_counts",
    "stripe_event_get",
    "stripe_event_list_for_console",
    "subscription_list_for_console",
    "subscription_price_label",
    "tenant_currency",
    "tenant_plan",
    "tenant_plan_change",
    "webhook_handler",
]
