"""Learners pay the institution: coupons, orders through Stripe Checkout, fulfilment, refunds.

The only path to access is `order_payment_apply`, run from the webhook pipeline when Stripe
confirms a payment (`checkout.session.completed` with payment_status "paid", or
`checkout.session.async_payment_succeeded`). It locks the order, moves it forward only,
writes the ledger once per Stripe object and asks the product's provider to grant access —
so five deliveries of the same event give one enrollment and one set of entries.
"""
from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from tenants.api import audit_log, notify, site_url_for_tenant

from .. import gateway, money
from ..models import ConnectedAccount
from . import ledger
from .models import Coupon, Order, Refund
from .products import price_currency_check, product_get, provider_for, tenant_currency

logger = logging.getLogger(__name__)

ORDER_KIND = "learner_order"  # metadata.kind of our Checkout sessions and payment intents
REUSE_PENDING_SECONDS = 3600


# --- helpers -----------------------------------------------------------------------------------

def site_url(path: str) -> str:
    """Absolute URL on the active tenant's site (for emails built while processing webhooks)."""
    return site_url_for_tenant(connection.tenant, path)


def _charge_rounding(amount: int, currency: str) -> int:
    """Stripe charges three-decimal currencies in multiples of 10 minor units: half-up to 10."""
    if money.currency_exponent(currency) == 3:
        return int((Decimal(amount) / 10).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10
    return amount


def _fee_bps() -> int:
    from ..subscriptions import subscription_effective_plan

    plan = subscription_effective_plan(tenant=connection.tenant)
    return plan.application_fee_bps if plan else 500


def payout_account() -> ConnectedAccount | None:
    """The active tenant's Connect account when it can take payments."""
    return ConnectedAccount.objects.filter(tenant_id=connection.tenant.pk, charges_enabled=True).first()


def _payments_ready_check() -> None:
    if payout_account() is None:
        raise ValidationError(
            "This institution cannot take payments yet: an administrator must connect a Stripe account "
            "on the Billing page.", code="payouts_not_ready")


# --- coupons -----------------------------------------------------------------------------------

def coupon_create(*, code: str, kind: str, percent_off: int | None = None, amount_off: int | None = None,
                  currency: str = "", product_kind: str = "", product_ref: str = "", expires_at=None,
                  max_redemptions: int | None = None, actor=None) -> Coupon:
    code = (code or "").strip().upper()
    if not code or not code.replace("-", "").replace("_", "").isalnum():
        raise ValidationError({"code": "Use letters, digits, - and _ only."})
    if Coupon.objects.filter(code=code).exists():
        raise ValidationError({"code": f"There is already a coupon “{code}”."})
    if kind == Coupon.Kind.PERCENT:
        if not percent_off or not 1 <= percent_off <= 100:
            raise ValidationError({"percent_off": "Enter a percentage from 1 to 100."})
        amount_off, currency = None, ""
    elif kind == Coupon.Kind.FIXED:
        if not amount_off or amount_off <= 0:
            raise ValidationError({"amount_off": "Enter the amount taken off."})
        try:
            currency = price_currency_check(currency or tenant_currency())
        except ValidationError as exc:
            raise ValidationError({"currency": exc.message_dict["price_currency"]}) from exc
        percent_off = None
    else:
        raise ValidationError({"kind": "Choose a percentage or a fixed amount."})
    if bool(product_kind) != bool(product_ref):
        raise ValidationError({"product_ref": "Choose the product, or leave both empty for every product."})
    if product_kind:
        product_get(product_kind, product_ref)  # must exist
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    with transaction.atomic():
        coupon = Coupon.objects.create(code=code, kind=kind, percent_off=percent_off, amount_off=amount_off,
                                       currency=currency, product_kind=product_kind, product_ref=product_ref,
                                       expires_at=expires_at, max_redemptions=max_redemptions, created_by=actor)
        audit_log(action="coupon.create", target=coupon, after={"code": code, "kind": kind, "percent_off": percent_off,
                                                                "amount_off": amount_off, "currency": currency})
    return coupon


def coupon_deactivate(*, coupon: Coupon, actor=None) -> Coupon:
    with transaction.atomic():
        Coupon.objects.filter(pk=coupon.pk).update(is_active=False)
        coupon.refresh_from_db()
        audit_log(action="coupon.deactivate", target=coupon, before={"is_active": True}, after={"is_active": False})
    return coupon


def coupon_discount(coupon: Coupon, *, kind: str, ref: str, amount: int, currency: str) -> int:
    """What `coupon` takes off `amount`; ValidationError when it does not apply."""
    if not coupon.is_active:
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” is no longer valid."})
    if coupon.expires_at and coupon.expires_at <= timezone.now():
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” has expired."})
    if coupon.product_kind and (coupon.product_kind, coupon.product_ref) != (kind, ref):
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” is not valid for this course."})
    if coupon.max_redemptions is not None and coupon.times_redeemed >= coupon.max_redemptions:
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” has been used up."})
    if coupon.kind == Coupon.Kind.PERCENT:
        return min(amount, ledger.fee_of(amount, coupon.percent_off * 100))
    if coupon.currency != currency:
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” is for prices in {coupon.currency}."})
    return min(amount, coupon.amount_off)


def coupon_find(code: str) -> Coupon:
    code = (code or "").strip().upper()[:40]
    if not code or not all(ch.isalnum() or ch in "-_" for ch in code):
        raise ValidationError({"coupon": "There is no such coupon."})
    coupon = Coupon.objects.filter(code=code).first()
    if coupon is None:
        raise ValidationError({"coupon": "There is no such coupon."})
    return coupon


def _coupon_reserve(coupon: Coupon) -> None:
    """Count one use, atomically: concurrent buyers cannot push it past its limit."""
    taken = (Coupon.objects.filter(pk=coupon.pk, is_active=True)
             .filter(Q(max_redemptions__isnull=True) | Q(times_redeemed__lt=F("max_redemptions")))
             .update(times_redeemed=F("times_redeemed") + 1))
    if not taken:
        raise ValidationError({"coupon": f"The coupon “{coupon.code}” has been used up."})


def _coupon_release(order: Order) -> None:
    if order.coupon_id and not order.coupon_released:
        Coupon.objects.filter(pk=order.coupon_id, times_redeemed__gt=0).update(times_redeemed=F("times_redeemed") - 1)
        order.coupon_released = True


# --- placing an order --------------------------------------------------------------------------

def order_quote(*, kind: str, ref: str, coupon_code: str = "") -> dict:
    """The price a buyer would pay now: {product, subtotal, discount, total, coupon}."""
    product = product_get(kind, ref)
    subtotal, currency = product.price.amount_minor, product.price.currency
    coupon, discount = None, 0
    if coupon_code.strip():
        coupon = coupon_find(coupon_code)
        discount = coupon_discount(coupon, kind=kind, ref=ref, amount=subtotal, currency=currency)
    total = _charge_rounding(subtotal - discount, currency)
    return {"product": product, "subtotal": subtotal, "discount": subtotal - total if total < subtotal else 0,
            "total": total, "currency": currency, "coupon": coupon}


def _pending_reusable(buyer, kind: str, ref: str, coupon_code: str) -> Order | None:
    since = timezone.now() - timezone.timedelta(seconds=REUSE_PENDING_SECONDS)
    return (Order.objects.filter(buyer=buyer, product_kind=kind, product_ref=ref, status=Order.Status.PENDING,
                                 coupon_code=coupon_code.strip().upper(), created_at__gte=since)
            .exclude(stripe_checkout_session_id="").order_by("-created_at").first())


def order_start(*, buyer, kind: str, ref: str, coupon_code: str = "", success_url: str, cancel_url: str) -> tuple[Order, str]:
    """Place an order and open Stripe Checkout for it; -> (order, URL to send the buyer to).

    `success_url` may contain `{ORDER}`, replaced by the order's public id. A free result (a
    100 % coupon) is fulfilled at once, without Stripe; then the URL is the product's page."""
    provider = provider_for(kind)
    provider.purchase_check(ref, buyer)
    quote = order_quote(kind=kind, ref=ref, coupon_code=coupon_code)
    product, total, currency = quote["product"], quote["total"], quote["currency"]
    if total > 0:
        _payments_ready_check()
        reusable = _pending_reusable(buyer, kind, ref, coupon_code)
        if reusable is not None and reusable.total_amount == total:
            session = gateway.checkout_session_retrieve(reusable.stripe_checkout_session_id)
            if session.status == "open":
                return reusable, session.url
    account = payout_account()
    fee = ledger.fee_of(total, _fee_bps()) if total else 0
    with transaction.atomic():
        if quote["coupon"] is not None:
            _coupon_reserve(quote["coupon"])
        name = buyer.get_full_name() if hasattr(buyer, "get_full_name") else ""
        order = Order.objects.create(
            number=f"tmp-{timezone.now().timestamp()}-{buyer.pk}"[:20], buyer=buyer, buyer_email=buyer.email,
            buyer_name=name[:300], product_kind=kind, product_ref=ref, description=product.title[:300],
            currency=currency, subtotal_amount=quote["subtotal"], discount_amount=quote["discount"],
            total_amount=total, application_fee_amount=fee, coupon=quote["coupon"],
            coupon_code=quote["coupon"].code if quote["coupon"] else "",
            destination_account=account.stripe_account_id if account and total else "",
        )
        order.number = f"R-{order.pk:06d}"
        order.save(update_fields=["number"])
        audit_log(action="order.create", target=order, after={"number": order.number, "total": total,
                                                              "currency": currency, "product": f"{kind}:{ref}"})
        if total == 0:
            _order_mark_paid(order, reference=f"free-{order.public_id}", processor_fee=0)
            return order, product.url
    metadata = {"kind": ORDER_KIND, "tenant_schema": connection.schema_name, "order_id": str(order.public_id),
                "order_number": order.number}
    intent_data: dict = {"metadata": metadata, "transfer_data": {"destination": order.destination_account}}
    if fee:
        intent_data["application_fee_amount"] = fee
    params = {
        "mode": "payment", "customer_email": buyer.email, "client_reference_id": str(order.public_id),
        "line_items": [{"quantity": 1, "price_data": {"currency": currency.lower(), "unit_amount": total,
                                                      "product_data": {"name": product.title[:250]}}}],
        "success_url": success_url.replace("{ORDER}", str(order.public_id)),
        "cancel_url": cancel_url.replace("{ORDER}", str(order.public_id)),
        "metadata": metadata, "payment_intent_data": intent_data,
    }
    try:
        session = gateway.checkout_session_create(params=params, idempotency=gateway.idempotency_key(
            "order", order.public_id, "checkout"))
    except gateway.StripeError as exc:
        logger.warning("checkout for order %s refused by Stripe: %s", order.number, exc)
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order.pk)
            locked.status, locked.failure_message = Order.Status.FAILED, "The payment page could not be opened."
            _coupon_release(locked)
            locked.save(update_fields=["status", "failure_message", "coupon_released"])
        raise ValidationError("The payment page could not be opened; nothing was charged. Try again in a moment.",
                              code="checkout_unavailable") from exc
    Order.objects.filter(pk=order.pk).update(stripe_checkout_session_id=session.id)
    order.stripe_checkout_session_id = session.id
    return order, session.url


# --- confirmation (webhooks) ---------------------------------------------------------------------

def _order_mark_paid(order: Order, *, reference: str, processor_fee: int) -> None:
    """Inside the caller's transaction, with `order` locked and still pending/failed/canceled."""
    order.status, order.paid_at, order.failure_message = Order.Status.PAID, timezone.now(), ""
    order.processor_fee_amount = processor_fee
    if order.total_amount:
        ledger.charge_record(order=order, reference=reference, total=order.total_amount,
                             application_fee=order.application_fee_amount, processor_fee=processor_fee)
    provider = provider_for(order.product_kind)
    try:
        with transaction.atomic():
            provider.fulfil(order.product_ref, order.buyer, order_number=order.number)
    except ValidationError as exc:
        order.fulfilment_error = " ".join(exc.messages)[:500]
        logger.warning("order %s paid but not fulfilled: %s", order.number, order.fulfilment_error)
    else:
        order.fulfilled_at = timezone.now()
    order.save()
    audit_log(action="order.paid", target=order, actor=None,
              after={"number": order.number, "total": order.total_amount, "currency": order.currency,
                     "fulfilled": order.fulfilled_at is not None})
    if order.total_amount:
        product = provider.describe(order.product_ref)
        buyer = order.buyer if order.buyer and (order.buyer.email or "").lower() == order.buyer_email.lower() else None
        notify("payment_receipt", [buyer or order.buyer_email], {
            "order": order, "total": money.format_minor(order.total_amount, order.currency),
            "receipt_url": site_url(f"/billing/orders/{order.public_id}/receipt.pdf"),
            "product_url": site_url(product.url if product else "/"),
            "site_name": connection.tenant.name,
        }, url=f"/billing/orders/{order.public_id}/receipt.pdf")


def _locked_order(order_id: str, session_id: str) -> Order | None:
    order = Order.objects.select_for_update().select_related("buyer").filter(public_id=order_id).first()
    if order is None or (order.stripe_checkout_session_id and order.stripe_checkout_session_id != session_id):
        logger.warning("checkout session %s names order %s, which is not its order here", session_id, order_id)
        return None
    return order


def order_payment_apply(*, order_id: str, session_id: str) -> Order | None:
    """Bring the order to what Stripe says about its Checkout session now (re-read, so
    duplicate and out-of-order events converge). Idempotent; forward-only."""
    session = gateway.checkout_session_retrieve(session_id).to_dict()
    with transaction.atomic():
        order = _locked_order(order_id, session_id)
        if order is None or order.is_paid:
            return order
        if session.get("status") == "complete" and session.get("payment_status") == "paid":
            intent = gateway.payment_intent_retrieve(session["payment_intent"]).to_dict() if session.get("payment_intent") else {}
            charge = intent.get("latest_charge") or {}
            balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
            fee = int(balance.get("fee") or 0) if isinstance(balance, dict) else 0
            order.stripe_payment_intent_id = intent.get("id") or ""
            if int(session.get("amount_total") or 0) != order.total_amount:
                logger.error("order %s: Stripe charged %s, the order says %s", order.number,
                             session.get("amount_total"), order.total_amount)
            _order_mark_paid(order, reference=order.stripe_payment_intent_id or session_id, processor_fee=fee)
        elif session.get("status") == "complete":
            order.failure_message = "Your bank is processing the payment; access follows when it clears."
            order.save(update_fields=["failure_message"])
        elif session.get("status") == "expired" and order.status == Order.Status.PENDING:
            order.status = Order.Status.CANCELED
            order.failure_message = "The payment page expired before the payment was made."
            _coupon_release(order)
            order.save(update_fields=["status", "failure_message", "coupon_released"])
    return order


def order_payment_failed(*, order_id: str, session_id: str, message: str) -> Order | None:
    with transaction.atomic():
        order = _locked_order(order_id, session_id)
        if order is None or order.is_paid or order.status != Order.Status.PENDING:
            return order
        order.status, order.failure_message = Order.Status.FAILED, message[:500]
        _coupon_release(order)
        order.save(update_fields=["status", "failure_message", "coupon_released"])
        audit_log(action="order.failed", target=order, actor=None, after={"message": order.failure_message})
    return order


def order_attempt_failed(*, order_id: str, message: str) -> None:
    """A card was declined on the payment page: the session stays open (the buyer may retry);
    the order remembers why, so the return page can say it."""
    Order.objects.filter(public_id=order_id, status=Order.Status.PENDING).update(failure_message=message[:500])


# --- refunds ------------------------------------------------------------------------------------

def _refund_apply(*, order: Order, refund: Refund, stripe_refund: dict) -> None:
    """Inside the caller's transaction with `order` locked: record a succeeded Stripe refund once."""
    if refund.status == Refund.Status.SUCCEEDED:
        return
    refund.status = Refund.Status.SUCCEEDED
    refund.stripe_refund_id = stripe_refund["id"]
    refund.application_fee_refunded = int(stripe_refund.get("application_fee_refunded")
                                          or ledger.share_of(refund.amount, order.application_fee_amount, order.total_amount))
    refund.save()
    ledger.refund_record(order=order, reference=stripe_refund["id"], amount=refund.amount,
                         application_fee_refunded=refund.application_fee_refunded)
    order.refunded_amount += refund.amount
    order.status = Order.Status.REFUNDED if order.refunded_amount >= order.total_amount else Order.Status.PARTIALLY_REFUNDED
    order.save(update_fields=["refunded_amount", "status"])
    if refund.revoke_access:
        provider_for(order.product_kind).revoke(order.product_ref, order.buyer, reason=f"Refund on order {order.number}")


def refund_create(*, order: Order, amount: int, revoke_access: bool, reason: str = "", actor=None) -> Refund:
    """Refund part or all of a paid order through Stripe (platform fee refunded in proportion,
    the transfer to the institution reversed); audited."""
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("buyer").get(pk=order.pk)
        if not order.is_paid or not order.total_amount:
            raise ValidationError("Only paid orders can be refunded.", code="not_refundable")
        if amount is None or amount <= 0:
            raise ValidationError({"amount": "Enter an amount above zero."})
        if amount > order.refundable_amount:
            raise ValidationError({"amount": f"At most {money.format_minor(order.refundable_amount, order.currency)} "
                                             "can still be refunded."})
        refund = Refund.objects.create(order=order, amount=amount, revoke_access=revoke_access,
                                       reason=(reason or "").strip()[:300], created_by=actor)
        metadata = {"kind": ORDER_KIND, "tenant_schema": connection.schema_name, "order_id": str(order.public_id),
                    "refund_id": str(refund.public_id)}
        try:
            remote = gateway.refund_create(payment_intent=order.stripe_payment_intent_id, amount=amount,
                                           metadata=metadata, destination=bool(order.destination_account),
                                           idempotency=gateway.idempotency_key("refund", refund.public_id)).to_dict()
        except gateway.StripeError as exc:
            raise ValidationError(f"Stripe refused the refund: {getattr(exc, 'user_message', None) or exc}",
                                  code="refund_refused") from exc
        audit_log(action="order.refund", target=order, actor=actor, before={"refunded": order.refunded_amount},
                  after={"amount": amount, "revoke_access": revoke_access, "reason": refund.reason})
        if remote.get("status") == "succeeded":
            _refund_apply(order=order, refund=refund, stripe_refund=remote)
        else:
            refund.stripe_refund_id = remote["id"]
            refund.save(update_fields=["stripe_refund_id"])
    return refund


def refund_event_apply(*, stripe_refund: dict) -> Refund | None:
    """A refund event from Stripe (ours, by metadata): apply it if the request did not already."""
    metadata = stripe_refund.get("metadata") or {}
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("buyer").filter(public_id=metadata.get("order_id")).first()
        if order is None or order.stripe_payment_intent_id != stripe_refund.get("payment_intent"):
            return None
        refund = Refund.objects.filter(public_id=metadata.get("refund_id")).first() if metadata.get("refund_id") else None
        if refund is None:
            refund = Refund.objects.filter(stripe_refund_id=stripe_refund["id"]).first()
        if refund is None:  # made elsewhere (e.g. the dashboard) or our request's commit was lost
            refund = Refund.objects.create(order=order, amount=int(stripe_refund["amount"]), reason="Refunded in Stripe")
        if stripe_refund.get("status") == "succeeded":
            _refund_apply(order=order, refund=refund, stripe_refund=stripe_refund)
        elif stripe_refund.get("status") in ("failed", "canceled") and refund.status == Refund.Status.PENDING:
            refund.status, refund.failure_message = Refund.Status.FAILED, "Stripe could not complete the refund."
            refund.save(update_fields=["status", "failure_message"])
    return refund
