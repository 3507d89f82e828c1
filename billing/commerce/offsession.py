"""Charging a card saved earlier, without its holder present (crowdfunding pledges at a
successful campaign's deadline), and refunding such a charge.

The caller passes its own idempotency key (e.g. `pledge-<uuid>-collect`): a retried or
re-run settlement sends the same key, so Stripe answers with the first outcome instead of
charging again. Destination charge to the institution's Connect account with the plan's
platform fee, as for orders; the charge is written to the tenant's ledger once per
PaymentIntent.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from .. import gateway
from . import ledger
from .models import Order
from .services import _fee_bps, payout_account

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedCardCharge:
    status: str  # "succeeded" | "declined" | "authentication_required" | "unavailable"
    payment_intent_id: str = ""
    message: str = ""
    application_fee: int = 0
    processor_fee: int = 0
    order_number: str = ""  # the paid order recording it (receipt, orders list, refunds)


def _fee_in(intent: dict) -> int:
    """Stripe's fee, from the charge's balance transaction (expanded on the PaymentIntent)."""
    charge = intent.get("latest_charge") or {}
    balance = charge.get("balance_transaction") if isinstance(charge, dict) else None
    return int(balance.get("fee") or 0) if isinstance(balance, dict) else 0


def saved_card_charge(*, amount: int, currency: str, customer: str, payment_method: str, idempotency: str,
                      metadata: dict, description: str, buyer, product_kind: str, product_ref: str) -> SavedCardCharge:
    """Charge `amount` (minor units of `currency`) off-session; never raises for card outcomes.
    A success is recorded as a paid order of `buyer` for product `product_kind`/`product_ref`
    (so it has a receipt, shows in the orders list and is refunded like any order) and in the
    ledger, inside the caller's transaction."""
    account = payout_account()
    if account is None:
        return SavedCardCharge("unavailable", message="The institution cannot take payments (no Connect account).")
    fee = ledger.fee_of(amount, _fee_bps())
    params = {"amount": amount, "currency": currency.lower(), "customer": customer, "payment_method": payment_method,
              "off_session": True, "confirm": True, "expand": ["latest_charge.balance_transaction"], "description": description[:250],
              "metadata": {**metadata, "tenant_schema": connection.schema_name},
              "transfer_data": {"destination": account.stripe_account_id}}
    if fee:
        params["application_fee_amount"] = fee
    try:
        intent = gateway.payment_intent_create(params=params, idempotency=idempotency).to_dict()
    except gateway.CardError as exc:
        error = exc.error
        code = getattr(error, "code", None) or ""
        intent = getattr(error, "payment_intent", None)
        intent_id = (intent.get("id") if isinstance(intent, dict) else getattr(intent, "id", "")) or ""
        status = "authentication_required" if code == "authentication_required" else "declined"
        return SavedCardCharge(status, payment_intent_id=intent_id, message=exc.user_message or str(exc))
    except gateway.StripeError as exc:
        logger.warning("off-session charge %s refused: %s", idempotency, exc)
        return SavedCardCharge("unavailable", message="The payment service is unavailable; it will be retried.")
    if intent.get("status") != "succeeded":
        return SavedCardCharge("authentication_required", payment_intent_id=intent["id"],
                               message="The card needs its holder to confirm this payment.")
    processor_fee = _fee_in(intent)
    order = Order.objects.filter(stripe_payment_intent_id=intent["id"]).first()
    if order is None:
        order = Order.objects.create(
            number=f"tmp-{intent['id']}"[:20], buyer=buyer, buyer_email=buyer.email, buyer_name=buyer.get_full_name()[:300],
            status=Order.Status.PAID, product_kind=product_kind, product_ref=product_ref, description=description[:300],
            currency=currency, subtotal_amount=amount, total_amount=amount, application_fee_amount=fee,
            processor_fee_amount=processor_fee, destination_account=account.stripe_account_id,
            stripe_payment_intent_id=intent["id"], paid_at=timezone.now(), fulfilled_at=timezone.now())
        order.number = f"R-{order.pk:06d}"
        order.save(update_fields=["number"])
    ledger.charge_record(order=order, reference=intent["id"], total=amount, application_fee=fee,
                         processor_fee=processor_fee, currency=currency, memo=description[:300])
    return SavedCardCharge("succeeded", payment_intent_id=intent["id"], application_fee=fee, processor_fee=processor_fee,
                           order_number=order.number)


def saved_card_refund(*, payment_intent_id: str, amount: int, currency: str, application_fee: int, total: int,
                      idempotency: str, metadata: dict, memo: str) -> str:
    """Refund (part of) an off-session charge, platform fee in proportion; ledgered once; -> refund id."""
    remote = gateway.refund_create(payment_intent=payment_intent_id, amount=amount, destination=True,
                                   metadata={**metadata, "tenant_schema": connection.schema_name},
                                   idempotency=idempotency).to_dict()
    fee_back = int(remote.get("application_fee_refunded") or ledger.share_of(amount, application_fee, total))
    ledger.refund_record(order=None, reference=remote["id"], amount=amount, application_fee_refunded=fee_back,
                         currency=currency, memo=memo)
    return remote["id"]
