"""Learner pages: buy (coupon, then Stripe Checkout), the return page that waits for the
webhook, payment history and receipt PDFs."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from tenants.api import tenant_admin_check

from .. import gateway, money
from . import selectors, services
from .models import Order
from .products import product_get, provider_for
from .receipts import receipt_pdf


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return exc.messages


@login_required
@require_http_methods(["GET", "POST"])
def buy(request, kind: str, ref: str):
    try:
        product = product_get(kind, ref)
    except ValidationError:
        raise Http404("Not for sale") from None
    code = (request.POST.get("coupon") if request.method == "POST" else request.GET.get("coupon")) or ""
    code = code.strip()[:40]
    errors: list[str] = []
    if request.method == "POST":
        order_url = request.build_absolute_uri(reverse("commerce:order", args=["00000000-0000-0000-0000-000000000000"]))
        order_url = order_url.replace("00000000-0000-0000-0000-000000000000", "{ORDER}")
        try:
            order, url = services.order_start(buyer=request.user, kind=kind, ref=ref, coupon_code=code,
                                              success_url=order_url + "?paid=1", cancel_url=order_url + "?canceled=1")
        except ValidationError as exc:
            errors = _messages_of(exc)
        else:
            if order.is_paid:
                messages.success(request, f"You now have “{order.description}” (order {order.number}).")
            return redirect(url)
    quote, already = None, False
    try:
        provider_for(kind).purchase_check(ref, request.user)
    except ValidationError as exc:
        already = getattr(exc, "code", None) == "already_enrolled"
        errors = errors or exc.messages
    try:
        quote = services.order_quote(kind=kind, ref=ref, coupon_code=code)
    except ValidationError as exc:
        errors = errors or _messages_of(exc)
        quote = services.order_quote(kind=kind, ref=ref)
    context = {"product": product, "quote": quote, "coupon": code, "errors": errors, "already": already,
               "simulator": gateway.simulator_active(),
               "subtotal": money.format_minor(quote["subtotal"], quote["currency"]),
               "discount": money.format_minor(quote["discount"], quote["currency"]) if quote["discount"] else "",
               "total": money.price_label(quote["total"], quote["currency"])}
    return render(request, "billing/commerce/buy.html", context, status=400 if errors and request.method == "POST" else 200)


def _order_context(order: Order) -> dict:
    product = provider_for(order.product_kind).describe(order.product_ref)
    return {"order": order, "total": money.format_minor(order.total_amount, order.currency),
            "product_url": product.url if product else "/", "buy_url": reverse("commerce:buy", args=[order.product_kind, order.product_ref])}


@login_required
@require_safe
def order_page(request, public_id):
    order = selectors.order_for_buyer(user=request.user, public_id=public_id)
    if order is None:
        raise Http404("No such order")
    context = _order_context(order) | {"canceled": "canceled" in request.GET, "returned": "paid" in request.GET}
    template = "billing/commerce/_order_status.html" if request.htmx else "billing/commerce/order.html"
    return render(request, template, context)


@login_required
@require_safe
def payments(request):
    rows = [{"order": o, "total": money.format_minor(o.total_amount, o.currency),
             "refunded": money.format_minor(o.refunded_amount, o.currency) if o.refunded_amount else ""}
            for o in selectors.orders_of_buyer(user=request.user)[:200]]
    return render(request, "billing/commerce/payments.html", {"rows": rows})


def receipt_response(order: Order) -> HttpResponse:
    response = HttpResponse(receipt_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{order.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def receipt(request, public_id):
    order = selectors.order_for_buyer(user=request.user, public_id=public_id)
    if order is None and tenant_admin_check(request.user):
        order = selectors.order_get(public_id=public_id)
    if order is None or not order.is_paid:
        raise Http404("No receipt")
    return receipt_response(order)
