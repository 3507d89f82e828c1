"""Front door of `billing`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from django.urls import reverse

from . import money
from .commerce.products import Product, ProductProvider, product_provider_register
from .models import Plan
from .money import Money
from .selectors import plan_list_available, tenant_plan
from .services import plan_create, plan_delete, plan_update, tenant_plan_change


def buy_url(kind: str, ref: str) -> str:
    """The page where a learner buys product `kind`/`ref` on the active tenant's site."""
    return reverse("commerce:buy", args=[kind, ref])


__all__ = [
    "Money",
    "Plan",
    "Product",
    "ProductProvider",
    "buy_url",
    "money",
    "plan_create",
    "plan_delete",
    "plan_list_available",
    "plan_update",
    "product_provider_register",
    "tenant_plan",
    "tenant_plan_change",
]
