"""The Billing page of an institution: plan and status, usage against limits, plan changes
through Stripe Checkout (or a prorated change of the running subscription), the customer
portal, invoice history. State shown is what the webhooks recorded; nothing here changes it."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tenants.api import audit_log, tenant_admin_check, tenant_usage_current

from . import gateway, money
from .connect import connect_onboarding_link, connect_onboarding_start, connect_status
from .models import Plan, Subscription
from .selectors import connect_account_for
from .subscriptions import grace_days, plan_change, plan_checkout_start, subscription_effective_plan

logger = logging.getLogger(__name__)


def _admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not tenant_admin_check(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return wrapper


@dataclass(frozen=True)
class UsageBar:
    label: str
    used: int
    limit: int | None
    unit: str = ""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.limit)) if self.limit else 0

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used >= self.limit

    def _fmt(self, value: int) -> str:
        return f"{value / (1024 * 1024):.1f} MB" if self.unit == "bytes" else str(value)

    @property
    def used_label(self) -> str:
        return self._fmt(self.used)

    @property
    def limit_label(self) -> str:
        return "unlimited" if self.limit is None else self._fmt(self.limit)


def usage_bars(plan: Plan | None) -> list[UsageBar]:
    usage = tenant_usage_current()
    bars = [UsageBar("Learners", int(usage.get("learners", 0)), plan.max_learners if plan else None)]
    if "staff" in usage:
        bars.append(UsageBar("Staff seats", int(usage["staff"]), plan.max_staff if plan else None))
    if "courses" in usage:
        bars.append(UsageBar("Courses", int(usage["courses"]), plan.max_courses if plan else None))
    bars.append(UsageBar("Storage", int(usage.get("storage_bytes", 0)),
                         plan.storage_mb * 1024 * 1024 if plan else None, unit="bytes"))
    return bars


def _subscription() -> Subscription:
    subscription, _ = Subscription.objects.select_related("plan").get_or_create(tenant=connection.tenant)
    return subscription


@require_GET
@_admin_required
def billing_page(request):
    subscription = _subscription()
    effective = subscription_effective_plan(tenant=connection.tenant)
    grace_until = (subscription.past_due_since + timezone.timedelta(days=grace_days())
                   if subscription.past_due_since else None)
    plans = [
        {"plan": p, "monthly": money.format_minor(p.price_amount, p.currency),
         "yearly": money.format_minor(p.price_yearly_amount, p.currency) if p.price_yearly_amount else None,
         "current": subscription.plan_id == p.pk and subscription.status != Subscription.Status.CANCELED}
        for p in Plan.objects.filter(is_active=True)
    ]
    invoices = [{"invoice": i, "amount": money.format_minor(i.amount_paid or i.amount_due, i.currency)}
                for i in subscription.invoices.all()[:24]]
    return render(request, "billing/manage_billing.html", {
        "section": "billing", "subscription": subscription, "effective_plan": effective,
        "usage": usage_bars(effective), "plans": plans, "invoices": invoices, "grace_until": grace_until,
        "confirming": request.GET.get("checkout") == "success",
        "running": bool(subscription.stripe_subscription_id) and subscription.status != Subscription.Status.CANCELED,
        "simulator": gateway.simulator_active(),
        "connect": connect_status(connection.tenant), "connect_returned": request.GET.get("connect") == "return",
    })


class PlanChoiceForm(forms.Form):
    plan = forms.CharField(max_length=40)
    interval = forms.ChoiceField(choices=Plan.Interval.choices, required=False)


@require_POST
@_admin_required
def billing_plan_choose(request):
    form = PlanChoiceForm(request.POST)
    back = redirect("billing_manage:billing")
    plan = (Plan.objects.filter(code=form.cleaned_data["plan"], is_active=True).first() if form.is_valid() else None)
    if plan is None:
        messages.error(request, "Choose one of the plans listed.")
        return back
    interval = form.cleaned_data["interval"] or Plan.Interval.MONTH
    subscription = _subscription()
    running = bool(subscription.stripe_subscription_id) and subscription.status != Subscription.Status.CANCELED
    page = request.build_absolute_uri(reverse("billing_manage:billing"))
    try:
        if running:
            if subscription.plan_id == plan.pk and subscription.interval == interval:
                messages.info(request, f"You are already on {plan.name}.")
                return back
            plan_change(tenant=connection.tenant, plan=plan, interval=interval, actor=request.user)
            audit_log(action="billing.plan_change_requested", target=connection.tenant,
                      after={"plan": plan.code, "interval": interval})
            messages.success(request, f"Changing to {plan.name}: Stripe is confirming the prorated change.")
            return back
        url = plan_checkout_start(tenant=connection.tenant, plan=plan, interval=interval, email=request.user.email,
                                  success_url=f"{page}?checkout=success", cancel_url=f"{page}?checkout=cancelled")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return back
    except gateway.StripeError as exc:
        logger.warning("plan checkout for %s failed: %s", connection.schema_name, exc)
        messages.error(request, "Payments are unavailable right now; nothing was changed. Please try again later.")
        return back
    audit_log(action="billing.checkout_started", target=connection.tenant, after={"plan": plan.code, "interval": interval})
    return redirect(url)


@require_POST
@_admin_required
def billing_portal(request):
    subscription = _subscription()
    if not subscription.stripe_customer_id:
        messages.error(request, "There is no billing account yet: choose a paid plan first.")
        return redirect("billing_manage:billing")
    try:
        session = gateway.portal_session_create(customer=subscription.stripe_customer_id,
                                                return_url=request.build_absolute_uri(reverse("billing_manage:billing")))
    except gateway.StripeError:
        messages.error(request, "The billing portal is unavailable right now. Please try again later.")
        return redirect("billing_manage:billing")
    return redirect(session.url)


# --- Get paid (Stripe Connect Express) ------------------------------------------------------------

def _connect_urls(request) -> dict:
    page = request.build_absolute_uri(reverse("billing_manage:billing"))
    return {"refresh_url": request.build_absolute_uri(reverse("billing_manage:connect-refresh")),
            "return_url": f"{page}?connect=return"}


def _connect_unavailable(request, exc) -> None:
    logger.warning("connect onboarding for %s failed: %s", connection.schema_name, exc)
    messages.error(request, "Stripe is unavailable right now; nothing was changed. Please try again later.")


@require_POST
@_admin_required
def billing_connect(request):
    """The "Connect with Stripe" / "Continue onboarding" button: the account (once), then Stripe's onboarding."""
    try:
        url = connect_onboarding_start(tenant=connection.tenant, email=request.user.email, **_connect_urls(request))
    except gateway.StripeError as exc:
        _connect_unavailable(request, exc)
        return redirect("billing_manage:billing")
    return redirect(url)


@require_GET
@_admin_required
def billing_connect_refresh(request):
    """Stripe's refresh_url: the onboarding link expired or was used, so make a new one."""
    account = connect_account_for(connection.tenant)
    if account is None:
        messages.info(request, "Start with “Connect with Stripe”.")
        return redirect("billing_manage:billing")
    try:
        url = connect_onboarding_link(account=account, **_connect_urls(request))
    except gateway.StripeError as exc:
        _connect_unavailable(request, exc)
        return redirect("billing_manage:billing")
    return redirect(url)
