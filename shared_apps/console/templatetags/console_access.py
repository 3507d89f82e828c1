"""{% if user|operator_may:"tenant.delete" %}: the console shows only what the operator's role allows."""
from django import template

from shared_apps.console.access import operator_may as _operator_may
from shared_apps.console.access import operator_role as _operator_role

register = template.Library()


@register.filter
def operator_may(user, action: str) -> bool:
    return _operator_may(user, action)


@register.filter
def operator_role(user) -> str:
    return _operator_role(user) or ""
