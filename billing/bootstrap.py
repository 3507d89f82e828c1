"""Bootstrap step (tenants/bootstrap.py): a new institution's subscription to the plan it chose."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection

from .models import Plan, Subscription


def subscription_start(bootstrap) -> None:
    if bootstrap.existing:
        return
    connection.set_schema_to_public()  # subscriptions live in the public schema
    plan = None
    if bootstrap.plan_code:
        plan = Plan.objects.filter(code=bootstrap.plan_code).first()
        if plan is None:
            raise ValidationError({"plan": f"There is no plan “{bootstrap.plan_code}”."})
    elif bootstrap.options.get("plan_default"):
        plan = Plan.objects.filter(is_active=True).first()
    Subscription.objects.create(tenant=bootstrap.tenant, plan=plan)
