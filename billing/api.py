"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from . import money
from .models import Plan
from .models import StripeEvent, Subscription
from .money import Money
from .revenue import (
    billing_overview,
    stripe_event_counts,
    stripe_event_get,
    stripe_event_list_for_console,
    subscription_list_for_console,
    subscription_price_label,
)
from .selectors import plan_list_available, tenant_plan
from .services import plan_create, plan_delete, plan_update, tenant_plan_change
from .webhooks import events_reprocess

__all__ = [
    "Money",
    "Plan",
    "StripeEvent",
    "Subscription",
    "billing_overview",
    "events_reprocess",
    "money",
    "plan_create",
    "plan_delete",
    "plan_list_available",
    "plan_update",
    "stripe_event_counts",
    "stripe_event_get",
    "stripe_event_list_for_console",
    "subscription_list_for_console",
    "subscription_price_label",
    "tenant_plan",
    "tenant_plan_change",
]
