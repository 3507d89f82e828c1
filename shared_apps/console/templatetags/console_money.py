"""Prices in the console, from integer minor units (no floats)."""
from django import template

from billing.api import minor_units_to_amount

register = template.Library()


@register.filter
def plan_price(plan) -> str:
    if plan.price_amount == 0:
        return "Free"
    amount = minor_units_to_amount(plan.price_amount, plan.currency)
    return f"{amount:,} {plan.currency} / {plan.interval}"
