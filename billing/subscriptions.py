"""Institutions pay the platform: plan checkout, and the subscription's state from webhooks only.

`plan_checkout_start` opens a Stripe Checkout session in subscription mode; nothing changes
here until Stripe says so. Every subscription event re-reads the subscription through the
gateway and applies what Stripe holds *now*, under a row lock, so duplicate and out-of-order
deliveries converge on Stripe's final state. A canceled subscription keeps its plan row (for
history) but `subscription_effective_plan` answers the free plan's limits.
"""
from __future__ import annotations

from datetime import datetime, timezone

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone as dj_timezone

from tenants.api import audit_log

from . import gateway
from .models import Plan, PlatformInvoice, Subscription
from .webhooks import webhook_handler

_STATUS = {
    "trialing": Subscription.Status.TRIALING, "active": Subscription.Status.ACTIVE,
    "past_due": Subscription.Status.PAST_DUE, "unpaid": Subscription.Status.PAST_DUE,
    "incomplete": Subscription.Status.PAST_DUE, "canceled": Subscription.Status.CANCELED,
    "incomplete_expired": Subscription.Status.CANCELED,
}


def _when(timestamp) -> datetime | None:
    return datetime.fromtimestamp(int(timestamp), tz=timezone.utc) if timestamp else None


def _price_params(plan: Plan, interval: str) -> dict:
    price_id = plan.stripe_price_yearly if interval == Plan.Interval.YEAR else plan.stripe_price_monthly
    if price_id:
        return {"price": price_id}
    amount = plan.price_yearly_amount if interval == Plan.Interval.YEAR else plan.price_amount
    return {"price_data": {"currency": plan.currency.lower(), "unit_amount": amount,
                           "recurring": {"interval": interval}, "product_data": {"name": f"EduCrowd {plan.name}"}}}


def _metadata(tenant, plan: Plan, interval: str) -> dict:
    return {"tenant_id": str(tenant.pk), "tenant_schema": tenant.schema_name, "plan": plan.code, "interval": interval}


def plan_checkout_start(*, tenant, plan: Plan, interval: str, email: str, success_url: str, cancel_url: str) -> str:
    """A Checkout URL for moving `tenant` onto a paid plan (first subscription); -> the URL."""
    if not plan.is_active:
        raise ValidationError(f"The plan “{plan.name}” can no longer be chosen.")
    if interval not in Plan.Interval.values:
        raise ValidationError("Choose monthly or yearly billing.")
    amount = plan.price_yearly_amount if interval == Plan.Interval.YEAR else plan.price_amount
    if amount <= 0:
        raise ValidationError(f"The plan “{plan.name}” has no {interval}ly price.")
    with transaction.atomic():
        subscription, _ = Subscription.objects.select_for_update().get_or_create(tenant=tenant)
        if subscription.stripe_subscription_id and subscription.status != Subscription.Status.CANCELED:
            raise ValidationError("This institution already has a subscription; change its plan instead.")
        if not subscription.stripe_customer_id:
            customer = gateway.customer_create(email=email, name=tenant.name, metadata={"tenant_id": str(tenant.pk)},
                                               idempotency=gateway.idempotency_key("tenant", tenant.pk, "customer"))
            subscription.stripe_customer_id = customer.id
            subscription.save(update_fields=["stripe_customer_id", "updated_at"])
    metadata = _metadata(tenant, plan, interval)
    params = {
        "mode": "subscription", "customer": subscription.stripe_customer_id,
        "line_items": [{**_price_params(plan, interval), "quantity": 1}],
        "success_url": success_url, "cancel_url": cancel_url, "client_reference_id": str(tenant.pk),
        "metadata": metadata, "subscription_data": {"metadata": metadata},
    }
    if plan.trial_days and not subscription.had_trial:
        params["subscription_data"]["trial_period_days"] = plan.trial_days
    key = gateway.idempotency_key("tenant", tenant.pk, "plan-checkout", plan.code, interval,
                                  subscription.stripe_subscription_id or "new", subscription.updated_at.isoformat())
    return gateway.checkout_session_create(params=params, idempotency=key).url


def plan_change(*, tenant, plan: Plan, interval: str, actor=None) -> Subscription:
    """Upgrade/downgrade an existing Stripe subscription with proration; state follows from the webhook."""
    subscription = Subscription.objects.get(tenant=tenant)
    if not subscription.stripe_subscription_id or subscription.status == Subscription.Status.CANCELED:
        raise ValidationError("There is no running subscription to change; start one with Checkout.")
    remote = gateway.subscription_retrieve(subscription.stripe_subscription_id).to_dict()
    item = remote["items"]["data"][0]
    gateway.subscription_update(subscription.stripe_subscription_id, params={
        "items": [{"id": item["id"], **_price_params(plan, interval)}], "proration_behavior": "create_prorations",
        "metadata": _metadata(tenant, plan, interval),
    }, idempotency=gateway.idempotency_key("tenant", tenant.pk, "plan-change", plan.code, interval,
                                           subscription.stripe_subscription_id or "new", subscription.updated_at.isoformat()))
    return subscription


# --- state from webhooks -------------------------------------------------------------------------

def _locked_subscription(remote: dict) -> Subscription | None:
    rows = Subscription.objects.select_for_update(of=("self",)).select_related("tenant", "plan")
    found = rows.filter(stripe_subscription_id=remote["id"]).first()
    tenant_id = (remote.get("metadata") or {}).get("tenant_id")
    if found is None and tenant_id and str(tenant_id).isdigit():
        found = rows.filter(tenant_id=int(tenant_id), stripe_customer_id=remote.get("customer") or "").first()
    return found


def subscription_sync(subscription_id: str) -> Subscription | None:
    """Apply Stripe's current state of one subscription (re-read, so event order does not matter)."""
    remote = gateway.subscription_retrieve(subscription_id).to_dict()
    subscription = _locked_subscription(remote)
    if subscription is None:
        return None
    if subscription.stripe_subscription_id and subscription.stripe_subscription_id != remote["id"]:
        if remote["status"] in ("canceled", "incomplete_expired"):
            return subscription  # an old subscription ending does not touch the current one
    metadata = remote.get("metadata") or {}
    before = {"plan": subscription.plan.code if subscription.plan else None, "status": subscription.status}
    plan = Plan.objects.filter(code=metadata.get("plan")).first() or subscription.plan
    status = _STATUS.get(remote["status"], Subscription.Status.PAST_DUE)
    subscription.stripe_subscription_id = remote["id"]
    subscription.plan = plan
    subscription.interval = metadata.get("interval") or subscription.interval
    subscription.status = status
    subscription.current_period_end = _when(remote.get("current_period_end"))
    subscription.trial_end = _when(remote.get("trial_end"))
    subscription.cancel_at_period_end = bool(remote.get("cancel_at_period_end"))
    subscription.had_trial = subscription.had_trial or bool(remote.get("trial_end"))
    if status == Subscription.Status.PAST_DUE:
        subscription.past_due_since = subscription.past_due_since or dj_timezone.now()
    else:
        subscription.past_due_since = None
    if status == Subscription.Status.CANCELED:
        # Stripe's own moment of cancellation when it gives one; kept once set (duplicates, replays).
        subscription.canceled_at = subscription.canceled_at or _when(remote.get("canceled_at")) or dj_timezone.now()
    else:
        subscription.canceled_at = None
    subscription.save()
    after = {"plan": plan.code if plan else None, "status": status}
    if after != before:
        audit_log(action="subscription.sync", target=subscription.tenant, before=before, after=after)
    if status == Subscription.Status.PAST_DUE and before["status"] != Subscription.Status.PAST_DUE:
        grace_until = subscription.past_due_since + dj_timezone.timedelta(days=grace_days())
        admins_tell(subscription.tenant, event="billing_payment_failed", context={
            "plan_name": plan.name if plan else "", "grace_until": grace_until})
    return subscription


def grace_days() -> int:
    from django.conf import settings

    return int(getattr(settings, "BILLING_GRACE_DAYS", 7))


def admins_tell(tenant, *, event: str, context: dict) -> None:
    """Tell the institution's administrators (its own users, in its schema) through the notification
    service (tenants.api.notify): the bell and an email each, sent on commit."""
    from django.contrib.auth.models import User
    from django_tenants.utils import tenant_context

    from tenants.api import notify, site_url_for_tenant

    with tenant_context(tenant):
        # The administrators' group is named by the accounts app's Role.TENANT_ADMIN.
        admins = list(User.objects.filter(is_active=True, groups__name="tenant_admin"))
        if admins:
            notify(event, admins, {
                **context, "site_name": tenant.name, "billing_url": site_url_for_tenant(tenant, "/manage/billing/")},
                url="/manage/billing/")


@webhook_handler("checkout.session.completed")
def _checkout_completed(event, session: dict):
    if session.get("mode") != "subscription" or not session.get("subscription"):
        return None
    subscription = subscription_sync(session["subscription"])
    return subscription.tenant.schema_name if subscription else None


@webhook_handler("customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted")
def _subscription_changed(event, remote: dict):
    subscription = subscription_sync(remote["id"])
    return subscription.tenant.schema_name if subscription else None


@webhook_handler("invoice.paid", "invoice.payment_failed", "invoice.payment_action_required", "invoice.finalized")
def _invoice_event(event, invoice: dict):
    subscription = Subscription.objects.filter(stripe_customer_id=invoice.get("customer") or "").first()
    if subscription is None or not invoice.get("customer"):
        return None
    PlatformInvoice.objects.update_or_create(stripe_invoice_id=invoice["id"], defaults={
        "subscription": subscription, "number": invoice.get("number") or "", "status": invoice.get("status") or "",
        "amount_due": invoice.get("amount_due") or 0, "amount_paid": invoice.get("amount_paid") or 0,
        "currency": (invoice.get("currency") or "usd").upper(),
        "hosted_invoice_url": invoice.get("hosted_invoice_url") or "", "invoice_pdf": invoice.get("invoice_pdf") or "",
        "period_start": _when(invoice.get("period_start")), "period_end": _when(invoice.get("period_end")),
        "created": _when(invoice.get("created")) or dj_timezone.now(),
    })
    if invoice.get("subscription"):
        subscription_sync(invoice["subscription"])
    return subscription.tenant.schema_name


def subscription_effective_plan(*, tenant) -> Plan | None:
    """The plan whose limits apply: a canceled subscription falls back to the free plan."""
    subscription = Subscription.objects.select_related("plan").filter(tenant=tenant).first()
    if subscription is None:
        return None
    lapsed = subscription.status == Subscription.Status.CANCELED or (
        subscription.status == Subscription.Status.PAST_DUE and subscription.past_due_since is not None
        and subscription.past_due_since < dj_timezone.now() - dj_timezone.timedelta(days=grace_days()))
    if lapsed:  # canceled, or unpaid past the grace period: the free plan's limits
        return Plan.objects.filter(price_amount=0, is_active=True).order_by("sort_order").first()
    return subscription.plan


@webhook_handler("customer.subscription.trial_will_end")
def _trial_will_end(event, remote: dict):
    subscription = Subscription.objects.select_related("tenant", "plan").filter(stripe_subscription_id=remote["id"]).first()
    if subscription is None:
        return None
    admins_tell(subscription.tenant, event="billing_trial_ending", context={
        "plan_name": subscription.plan.name if subscription.plan else "", "trial_end": _when(remote.get("trial_end"))})
    return subscription.tenant.schema_name
