"""Writes for platform plans and the plan an institution is on (money rules: billing.money)."""
from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from tenants.api import audit_log

from . import money
from .models import Plan, Subscription


def _currency(currency: str) -> str:
    try:
        return money.currency_clean(currency)
    except ValidationError as exc:
        raise ValidationError({"currency": exc.messages}) from exc


def _features_dict(features: Iterable[str], keep: dict | None = None) -> dict:
    selected = set(features)
    unknown = selected - set(Plan.FEATURES)
    if unknown:
        raise ValidationError({"features": f"Unknown feature(s): {', '.join(sorted(unknown))}."})
    # Keys this console does not know (set elsewhere) are kept as they were.
    result = {k: v for k, v in (keep or {}).items() if k not in Plan.FEATURES}
    result.update({key: True for key in Plan.FEATURES if key in selected})
    return result


@transaction.atomic
def plan_create(
    *,
    code: str,
    name: str,
    price_amount: int,
    currency: str = "USD",
    interval: str = Plan.Interval.MONTH,
    description: str = "",
    max_learners: int | None = None,
    max_courses: int | None = None,
    storage_mb: int = 1024,
    features: Iterable[str] = (),
    is_active: bool = True,
    sort_order: int = 0,
) -> Plan:
    plan = Plan(
        code=(code or "").strip().lower(),
        name=(name or "").strip(),
        description=(description or "").strip(),
        price_amount=price_amount,
        currency=_currency(currency),
        interval=interval,
        max_learners=max_learners,
        max_courses=max_courses,
        storage_mb=storage_mb,
        features=_features_dict(features),
        is_active=is_active,
        sort_order=sort_order,
    )
    plan.full_clean()
    plan.save()
    audit_log(action="plan.create", target=plan, after={"code": plan.code, "name": plan.name, "price_amount": plan.price_amount})
    return plan


_UNSET = object()


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    name=_UNSET,
    description=_UNSET,
    price_amount=_UNSET,
    currency=_UNSET,
    interval=_UNSET,
    max_learners=_UNSET,
    max_courses=_UNSET,
    storage_mb=_UNSET,
    features=_UNSET,
    is_active=_UNSET,
    sort_order=_UNSET,
) -> Plan:
    """Change the given fields; the code is the plan's stable identifier and never changes."""
    changes = {
        "name": name, "description": description, "price_amount": price_amount, "currency": currency,
        "interval": interval, "max_learners": max_learners, "max_courses": max_courses,
        "storage_mb": storage_mb, "is_active": is_active, "sort_order": sort_order,
    }
    changes = {field: value for field, value in changes.items() if value is not _UNSET}
    if features is not _UNSET:
        changes["features"] = _features_dict(features, keep=plan.features)
    for field in ("name", "description"):
        if field in changes:
            changes[field] = (changes[field] or "").strip()
    if "currency" in changes:
        changes["currency"] = _currency(changes["currency"])
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    before = {field: getattr(plan, field) for field in changes}
    for field, value in changes.items():
        setattr(plan, field, value)
    plan.full_clean()
    if changes:
        plan.save(update_fields=list(changes))
        audit_log(action="plan.update", target=plan, before=before, after={field: getattr(plan, field) for field in changes})
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan) -> None:
    """Delete a plan nobody uses; plans institutions are on can only be deactivated."""
    in_use = plan.subscriptions.filter(tenant__is_template=False).count()
    if in_use:
        raise ValidationError(
            f"{in_use} institution(s) are on the plan “{plan.name}”, so it cannot be deleted. "
            "Deactivate it instead: new institutions will no longer be able to choose it."
        )
    audit_log(action="plan.delete", target=plan, before={"code": plan.code, "name": plan.name})
    try:
        plan.delete()
    except ProtectedError as exc:
        raise ValidationError(f"The plan “{plan.name}” is still referenced; deactivate it instead.") from exc


@transaction.atomic
def tenant_plan_change(*, tenant, plan: Plan | None):
    """Move an institution to another plan (None: no plan)."""
    if tenant.is_template:
        raise ValidationError("The template schema has no plan.")
    subscription, _ = Subscription.objects.select_for_update().get_or_create(tenant=tenant)
    before = subscription.plan.code if subscription.plan else None
    subscription.plan = plan
    subscription.save(update_fields=["plan", "updated_at"])
    audit_log(action="tenant.plan_change", target=tenant, before={"plan": before}, after={"plan": plan.code if plan else None})
    return tenant
