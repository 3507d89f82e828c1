"""Tenant admin pages for learner payments: orders (filters, CSV), refunds, coupons, receipt details."""
from __future__ import annotations


from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.api import csv_streaming_response

from .. import money
from ..views import _admin_required
from . import selectors, services
from .forms import CouponForm, OrderFilterForm, RefundForm, SellerProfileForm
from .models import Coupon, SellerProfile
from .products import product_kinds, provider_for

ORDERS_PER_PAGE = 50


admin_required = _admin_required  # the Billing page's guard: tenant administrators only


def _fmt(amount: int, currency: str) -> str:
    return money.format_minor(amount, currency)


def add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@admin_required
@require_GET
def order_list(request):
    form = OrderFilterForm(request.GET)
    orders = selectors.order_list(**form.filters())
    if request.GET.get("format") == "csv":
        return _orders_csv(orders)
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    for order in page.object_list:
        order.total_label = _fmt(order.total_amount, order.currency)
        order.refunded_label = _fmt(order.refunded_amount, order.currency) if order.refunded_amount else ""
    totals = [{"currency": cur, **{k: _fmt(v, cur) for k, v in figures.items()}}
              for cur, figures in sorted(selectors.ledger_totals(orders=orders).items())]
    return render(request, "billing/commerce/manage_orders.html", {
        "form": form, "page": page, "totals": totals, "section": "payments"})


def _orders_csv(orders):
    header = ["number", "created_at", "status", "buyer_email", "buyer_name", "description", "currency", "subtotal",
              "discount", "total", "refunded", "platform_fee", "processor_fee", "coupon", "paid_at"]

    def rows():
        yield header
        for o in orders.iterator(chunk_size=500):
            yield (o.number, o.created_at.isoformat(), o.status, o.buyer_email, o.buyer_name, o.description, o.currency,
                   money.from_minor(o.subtotal_amount, o.currency), money.from_minor(o.discount_amount, o.currency),
                   money.from_minor(o.total_amount, o.currency), money.from_minor(o.refunded_amount, o.currency),
                   money.from_minor(o.application_fee_amount, o.currency),
                   money.from_minor(o.processor_fee_amount, o.currency), o.coupon_code,
                   o.paid_at.isoformat() if o.paid_at else "")

    return csv_streaming_response(rows(), filename="orders.csv")


def _order_or_404(public_id):
    order = selectors.order_get(public_id=public_id)
    if order is None:
        raise Http404("No such order")
    return order


def _order_detail(request, order, *, form=None, status=200):
    figures = selectors.order_ledger_figures(order)
    return render(request, "billing/commerce/manage_order.html", {
        "order": order, "form": form or RefundForm(order=order), "section": "payments",
        "total": _fmt(order.total_amount, order.currency),
        "refundable": _fmt(order.refundable_amount, order.currency),
        "ledger": [{"account": label, "amount": _fmt(abs(figures.get(key, 0)), order.currency), "sign": figures.get(key, 0)}
                   for key, label in [("customer", "Paid by the learner (net)"), ("institution", "To the institution"),
                                      ("platform", "Platform fee"), ("processor_fees", "Stripe fees")]],
        "refunds": [{"r": r, "amount": _fmt(r.amount, order.currency)} for r in order.refunds.all()],
    }, status=status)


@admin_required
@require_GET
def order_detail(request, public_id):
    return _order_detail(request, _order_or_404(public_id))


@admin_required
@require_POST
def order_refund(request, public_id):
    order = _order_or_404(public_id)
    form = RefundForm(request.POST, order=order)
    if form.is_valid():
        try:
            services.refund_create(order=order, amount=form.cleaned_data["amount"],
                                   revoke_access=form.cleaned_data["revoke_access"],
                                   reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Refunded {_fmt(form.cleaned_data['amount'], order.currency)} on {order.number}.")
            return redirect("commerce_manage:order", public_id=order.public_id)
    order.refresh_from_db()
    return _order_detail(request, order, form=form, status=400)


def _products() -> list[tuple[str, str]]:
    out = []
    for kind in product_kinds():
        provider = provider_for(kind)
        for ref, title in getattr(provider, "for_sale", lambda: [])():
            out.append((f"{kind}:{ref}", title))
    return out


@admin_required
@require_http_methods(["GET", "POST"])
def coupon_list(request):
    products = _products()
    form = CouponForm(request.POST or None, products=products)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, _, ref = (data.get("product_ref") or "").partition(":")
        try:
            services.coupon_create(code=data["code"], kind=data["kind"], percent_off=data.get("percent_off"),
                                   amount_off=data.get("amount_off"), currency=data.get("currency") or "",
                                   product_kind=kind, product_ref=ref, expires_at=data.get("expires_at"),
                                   max_redemptions=data.get("max_redemptions"), actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Coupon {data['code'].upper()} created.")
            return redirect("commerce_manage:coupons")
    titles = dict(products)
    coupons = []
    for c in selectors.coupon_list()[:500]:
        c.value_label = f"{c.percent_off} %" if c.kind == Coupon.Kind.PERCENT else _fmt(c.amount_off, c.currency)
        c.scope_label = titles.get(f"{c.product_kind}:{c.product_ref}", "Every course") if c.product_kind else "Every course"
        coupons.append(c)
    return render(request, "billing/commerce/manage_coupons.html",
                  {"form": form, "coupons": coupons, "section": "payments"}, status=400 if form.errors else 200)


@admin_required
@require_POST
def coupon_deactivate(request, code):
    coupon = Coupon.objects.filter(code=code.upper()[:40]).first() if "\x00" not in code else None
    if coupon is None:
        raise Http404("No such coupon")
    services.coupon_deactivate(coupon=coupon, actor=request.user)
    messages.success(request, f"Coupon {coupon.code} can no longer be used.")
    return redirect("commerce_manage:coupons")


@admin_required
@require_http_methods(["GET", "POST"])
def receipt_details(request):
    profile = SellerProfile.objects.first() or SellerProfile()
    form = SellerProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        from tenants.api import audit_log

        form.save()
        audit_log(action="receipt_details.update", target=profile, after=form.cleaned_data)
        messages.success(request, "Receipt details saved.")
        return redirect("commerce_manage:receipt-details")
    return render(request, "billing/commerce/manage_receipt_details.html", {"form": form, "section": "payments"},
                  status=400 if form.errors else 200)
