"""Reads of platform plans."""
from django.db.models import QuerySet

from .models import Plan, Subscription


def plan_list_available() -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True)


def tenant_plan(*, tenant) -> Plan | None:
    """The plan an institution is on (None: no plan or no subscription)."""
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    return subscription.plan if subscription else None
