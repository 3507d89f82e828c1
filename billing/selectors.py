"""Reads of platform plans and of the institutions' Connect accounts."""
from django.db.models import QuerySet

from .models import ConnectedAccount, Plan, Subscription


def plan_list_available() -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True)


def tenant_plan(*, tenant) -> Plan | None:
    """The plan an institution is on (None: no plan or no subscription)."""
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    return subscription.plan if subscription else None


def connect_account_for(tenant) -> ConnectedAccount | None:
    """The institution's Stripe Connect account (None: not connected yet)."""
    if tenant is None or getattr(tenant, "pk", None) is None:
        return None
    return ConnectedAccount.objects.filter(tenant_id=tenant.pk).first()


def connect_account_ready(tenant) -> bool:
    """Can the institution take learner payments (Stripe has enabled charges on its account)?"""
    account = connect_account_for(tenant)
    return bool(account and account.charges_enabled)
