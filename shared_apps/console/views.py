"""Operator console pages on the public domain: institutions, their domains and status, plans, billing."""
from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from billing.api import Plan
from billing.api import plan_create, plan_delete, plan_update, tenant_plan_change
from billing.api import (
    PlanLimitExceeded,
    StripeEvent,
    billing_overview,
    events_reprocess,
    feature_check,
    stripe_event_counts,
    stripe_event_get,
    stripe_event_list_for_console,
    subscription_list_for_console,
    subscription_price_label,
    tenant_plan,
)
from tenants.api import Tenant
from tenants.api import domain_add, domain_remove, tenant_create, tenant_delete, tenant_reactivate, tenant_suspend
from tenants.api import site_url_for_host

from .access import (
    PLAN_MANAGE,
    TENANT_CREATE,
    TENANT_DELETE,
    TENANT_DOMAINS,
    TENANT_PLAN,
    TENANT_SUSPEND,
    WEBHOOK_REPROCESS,
    is_operator,
    operator_required,
)
from .forms import (
    DomainAddForm,
    OperatorLoginForm,
    PlanChangeForm,
    PlanForm,
    StripeEventFilterForm,
    SubscriptionFilterForm,
    SuspendForm,
    TenantCreateForm,
    TenantDeleteForm,
    TenantFilterForm,
)
from .selectors import (
    plan_list_for_console,
    tenant_get_for_console,
    tenant_list_for_console,
    tenant_member_counts,
    tenant_usage_for_console,
)

logger = logging.getLogger(__name__)

PAGE_SIZE = 25


def _form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _add_service_errors(form, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on the form, on the matching field where there is one."""
    field_map = field_map or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        field = field_map.get(key, key)
        form.add_error(field if field in form.fields and not form.fields[field].disabled else None, errors)


def _tenant_or_404(uuid) -> Tenant:
    tenant = tenant_get_for_console(uuid=uuid)
    if tenant is None:
        raise Http404("No such institution.")
    return tenant


# --- sign in / out -----------------------------------------------------------------------


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return next_url if allowed else ""


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
        raise Http404
    next_url = _safe_next(request)
    if request.method == "GET" and is_operator(request.user):
        return redirect(next_url or "console:tenants")
    form = OperatorLoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        login(request, form.get_user())  # rotates the session key
        logger.info("operator %s signed in to the console", request.user.username)
        return redirect(next_url or "console:tenants")
    return render(request, "console/login.html", {"form": form, "next": next_url}, status=_form_status(form))


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "You are signed out of the console.")
    return redirect("console:login")


# --- institutions ------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def tenant_list(request):
    filter_form = TenantFilterForm(request.GET)
    tenants = tenant_list_for_console(**filter_form.filters())
    page = Paginator(tenants, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = tenant_member_counts(page.object_list)
    rows = [(tenant, counts.get(tenant.schema_name)) for tenant in page.object_list]
    return render(request, "console/tenant_list.html", {"filter_form": filter_form, "page": page, "rows": rows})


@operator_required(action=TENANT_CREATE)
@sensitive_post_parameters("admin_password")
@require_http_methods(["GET", "POST"])
def tenant_new(request):
    form = TenantCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            tenant = tenant_create(
                name=data["name"], slug=data["slug"], plan=data["plan"],
                admin_email=data["admin_email"], admin_password=data["admin_password"],
                admin_first_name=data["admin_first_name"], admin_last_name=data["admin_last_name"],
                currency=data["currency"], country=data["country"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, {"email": "admin_email"})
        else:
            logger.info("operator %s created institution %s", request.user.username, tenant.schema_name)
            messages.success(request, f"“{tenant.name}” is ready at {tenant.primary_domain}.")
            return redirect("console:tenant", uuid=tenant.uuid)
    return render(request, "console/tenant_form.html", {"form": form}, status=_form_status(form))


def _render_detail(request, tenant: Tenant, status: int = 200, **forms):
    forms.setdefault("domain_form", DomainAddForm())
    forms.setdefault("suspend_form", SuspendForm())
    forms.setdefault("plan_form", PlanChangeForm(initial={"plan": tenant_plan(tenant=tenant)}))
    primary = tenant.primary_domain
    context = {
        "tenant": tenant,
        "domains": list(tenant.domains.all()),
        "members": tenant_member_counts([tenant]).get(tenant.schema_name),
        "usage": tenant_usage_for_console(tenant=tenant),
        "site_url": site_url_for_host(request, primary) if primary else None,
        **forms,
    }
    return render(request, "console/tenant_detail.html", context, status=status)


@operator_required
@require_http_methods(["GET"])
def tenant_detail(request, uuid):
    return _render_detail(request, _tenant_or_404(uuid))


def _is_custom_domain(domain: str) -> bool:
    """Any host outside the platform domain (those under it are assigned by sign-up, not a plan feature)."""
    domain = (domain or "").strip().lower().rstrip(".")
    return not (domain == settings.PLATFORM_DOMAIN or domain.endswith("." + settings.PLATFORM_DOMAIN))


@operator_required(action=TENANT_DOMAINS)
@require_POST
def tenant_domain_add(request, uuid):
    tenant = _tenant_or_404(uuid)
    form = DomainAddForm(request.POST)
    if form.is_valid():
        try:
            if _is_custom_domain(form.cleaned_data["domain"]):
                feature_check("custom_domain", tenant=tenant)
            domain = domain_add(tenant=tenant, domain=form.cleaned_data["domain"])
        except PlanLimitExceeded as exc:
            form.add_error("domain", f"{exc.message} Change the institution's plan first.")
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            logger.info("operator %s added domain %s to %s", request.user.username, domain.domain, tenant.schema_name)
            messages.success(request, f"{domain.domain} now serves “{tenant.name}”. Point its DNS at the platform.")
            return redirect("console:tenant", uuid=tenant.uuid)
    return _render_detail(request, tenant, status=400, domain_form=form)


@operator_required(action=TENANT_DOMAINS)
@require_POST
def tenant_domain_remove(request, uuid):
    tenant = _tenant_or_404(uuid)
    domain = tenant.domains.filter(domain=request.POST.get("domain", "")).first()
    if domain is None:
        raise Http404("No such domain on this institution.")
    try:
        domain_remove(domain=domain)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        logger.info("operator %s removed domain %s from %s", request.user.username, domain.domain, tenant.schema_name)
        messages.success(request, f"{domain.domain} no longer serves “{tenant.name}”.")
    return redirect("console:tenant", uuid=tenant.uuid)


@operator_required(action=TENANT_SUSPEND)
@require_POST
def tenant_suspend_view(request, uuid):
    tenant = _tenant_or_404(uuid)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, tenant, status=400, suspend_form=form)
    tenant_suspend(tenant=tenant, reason=form.cleaned_data["reason"])
    logger.info("operator %s suspended %s", request.user.username, tenant.schema_name)
    messages.warning(request, f"“{tenant.name}” is suspended: its site and API now refuse every request.")
    return redirect("console:tenant", uuid=tenant.uuid)


@operator_required(action=TENANT_SUSPEND)
@require_POST
def tenant_reactivate_view(request, uuid):
    tenant = _tenant_or_404(uuid)
    tenant_reactivate(tenant=tenant)
    logger.info("operator %s reactivated %s", request.user.username, tenant.schema_name)
    messages.success(request, f"“{tenant.name}” is active again.")
    return redirect("console:tenant", uuid=tenant.uuid)


@operator_required(action=TENANT_PLAN)
@require_POST
def tenant_plan_view(request, uuid):
    tenant = _tenant_or_404(uuid)
    form = PlanChangeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, tenant, status=400, plan_form=form)
    plan = form.cleaned_data["plan"]
    tenant_plan_change(tenant=tenant, plan=plan)
    logger.info("operator %s moved %s to plan %s", request.user.username, tenant.schema_name, plan.code if plan else None)
    messages.success(request, f"“{tenant.name}” is now on {plan.name if plan else 'no plan'}.")
    members = tenant_member_counts([tenant]).get(tenant.schema_name) or 0
    if plan and plan.max_learners is not None and members > plan.max_learners:
        messages.warning(request, f"It has {members} active members, more than the plan's {plan.max_learners}.")
    return redirect("console:tenant", uuid=tenant.uuid)


@operator_required(action=TENANT_DELETE)
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def tenant_delete_view(request, uuid):
    tenant = _tenant_or_404(uuid)
    form = TenantDeleteForm(request.POST if request.method == "POST" else None, operator=request.user)
    if form.is_valid():
        name, schema = tenant.name, tenant.schema_name
        try:
            tenant_delete(tenant=tenant, confirmation=form.cleaned_data["confirmation"])
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            logger.warning("operator %s deleted institution %s", request.user.username, schema)
            messages.success(request, f"“{name}” and all its data are deleted.")
            return redirect("console:tenants")
    return render(request, "console/tenant_delete.html", {"tenant": tenant, "form": form}, status=_form_status(form))


# --- plans -------------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def plan_list(request):
    return render(request, "console/plan_list.html", {"plans": plan_list_for_console()})


@operator_required(action=PLAN_MANAGE)
@require_http_methods(["GET", "POST"])
def plan_new(request):
    form = PlanForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            plan = plan_create(**form.service_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc, {"price_amount": "price"})
        else:
            logger.info("operator %s created plan %s", request.user.username, plan.code)
            messages.success(request, f"Plan “{plan.name}” created.")
            return redirect("console:plans")
    return render(request, "console/plan_form.html", {"form": form, "plan": None}, status=_form_status(form))


@operator_required(action=PLAN_MANAGE)
@require_http_methods(["GET", "POST"])
def plan_edit(request, code):
    plan = get_object_or_404(Plan, code=code)
    form = PlanForm(request.POST if request.method == "POST" else None, plan=plan)
    if form.is_valid():
        try:
            plan = plan_update(plan=plan, **form.service_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc, {"price_amount": "price"})
        else:
            logger.info("operator %s updated plan %s", request.user.username, plan.code)
            messages.success(request, f"Plan “{plan.name}” saved.")
            return redirect("console:plans")
    in_use = plan.subscriptions.filter(tenant__is_template=False).count()
    return render(request, "console/plan_form.html", {"form": form, "plan": plan, "in_use": in_use}, status=_form_status(form))


@operator_required(action=PLAN_MANAGE)
@require_POST
def plan_delete_view(request, code):
    plan = get_object_or_404(Plan, code=code)
    try:
        plan_delete(plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("console:plan-edit", code=plan.code)
    logger.info("operator %s deleted plan %s", request.user.username, code)
    messages.success(request, f"Plan “{plan.name}” deleted.")
    return redirect("console:plans")



# --- billing -----------------------------------------------------------------------------


@operator_required
@require_http_methods(["GET"])
def billing_overview_view(request):
    return render(request, "console/billing_overview.html", {"overview": billing_overview()})


@operator_required
@require_http_methods(["GET"])
def subscription_list(request):
    filter_form = SubscriptionFilterForm(request.GET)
    page = Paginator(subscription_list_for_console(**filter_form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(subscription, subscription_price_label(subscription)) for subscription in page.object_list]
    return render(request, "console/subscription_list.html", {"filter_form": filter_form, "page": page, "rows": rows})


@operator_required
@require_http_methods(["GET"])
def stripe_event_list(request):
    filter_form = StripeEventFilterForm(request.GET)
    page = Paginator(stripe_event_list_for_console(**filter_form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "console/stripe_event_list.html",
                  {"filter_form": filter_form, "page": page, "counts": stripe_event_counts()})


def _reprocessed_message(request, outcome: dict[str, int]) -> None:
    summary = ", ".join(f"{n} {status}" for status, n in sorted(outcome.items()))
    if outcome.get(StripeEvent.Status.FAILED):
        messages.warning(request, f"Re-processed: {summary}. The failed ones show their error below.")
    else:
        messages.success(request, f"Re-processed: {summary}.")


@operator_required(action=WEBHOOK_REPROCESS)
@require_POST
def stripe_event_reprocess(request, pk):
    event = stripe_event_get(pk=pk)
    if event is None:
        raise Http404("No such webhook event.")
    if event.status != StripeEvent.Status.FAILED:
        messages.info(request, f"{event.stripe_id} is {event.get_status_display().lower()}: only failed events are re-processed.")
    else:
        outcome = events_reprocess(ids=[event.pk])
        logger.info("operator %s re-processed stripe event %s: %s", request.user.username, event.stripe_id, outcome)
        _reprocessed_message(request, outcome)
    return redirect(_back_to_events(request))


@operator_required(action=WEBHOOK_REPROCESS)
@require_POST
def stripe_events_reprocess_failed(request):
    outcome = events_reprocess(failed=True)
    logger.info("operator %s re-processed all failed stripe events: %s", request.user.username, outcome)
    if outcome:
        _reprocessed_message(request, outcome)
    else:
        messages.info(request, "There are no failed events to re-process.")
    return redirect(_back_to_events(request))


def _back_to_events(request) -> str:
    """The events list with the filters the operator was looking at (only our own filter keys)."""
    kept = {key: request.POST[key][:100] for key in ("status", "type", "page") if request.POST.get(key)}
    return reverse("console:billing-events") + (f"?{urlencode(kept)}" if kept else "")
