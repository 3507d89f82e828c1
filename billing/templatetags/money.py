"""Money in templates, through billing.money: {{ course.price_amount|price:course.price_currency }}."""
from django import template

from billing import money as money_rules

register = template.Library()


@register.filter
def money(amount_minor, currency) -> str:
    """'1.500 KWD', '1,500 ISK', '49.00 USD'."""
    return money_rules.format_minor(amount_minor, currency)


@register.filter
def price(amount_minor, currency) -> str:
    """'Free' for 0, else as `money`."""
    return money_rules.price_label(amount_minor, currency)
