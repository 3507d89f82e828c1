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


@dataclass(frozen=True)
class OffSessionCharge:
    """One charge of a saved card, as `saved_card_charge` takes it (batches: `saved_card_charges`)."""
    amount: int
    currency: str
    customer: str
    payment_method: str
    idempotency: str
    metadata: dict
    description: str
    buyer: object
    product_kind: str
    product_ref: str


def saved_card_charge(*, amount: int, currency: str, customer: str, payment_method: str, idempotency: str,
                      metadata: dict, description: str, buyer, product_kind: str, product_ref: str) -> SavedCardCharge:
    """Charge `amount` (minor units of `currency`) off-session; never raises for card outcomes.
    A success is recorded as a paid order of `buyer` for product `product_kind`/`product_ref`
    (so it has a receipt, shows in the orders list and is refunded like any order) and in the
    ledger, inside the caller's transaction."""
    return saved_card_charges(charges=[OffSessionCharge(
        amount=amount, currency=currency, customer=customer, payment_method=payment_method, idempotency=idempotency,
        metadata=metadata, description=description, buyer=buyer, product_kind=product_kind, product_ref=product_ref)])[0]


def saved_card_charges(*, charges: list[OffSessionCharge]) -> list[SavedCardCharge]:
    """`saved_card_charge` for several charges at once (a settlement batch): one call to Stripe
    each, in order, then the paid orders and the ledger entries of all the successes written
    in a handful of queries, inside the caller's transaction; -> one outcome per charge."""
    account = payout_account()
    if account is None:
        return [SavedCardCharge("unavailable", message="The institution cannot take payments (no Connect account).")
                for _ in charges]
    fee_bps = _fee_bps()
    outcomes, paid = [], []
    for charge in charges:
        fee = ledger.fee_of(charge.amount, fee_bps)
        outcome, intent = _intent_create(charge, fee=fee, destination=account.stripe_account_id)
        outcomes.append(outcome)
        if intent is not None:
            paid.append((len(outcomes) - 1, charge, intent, fee))
    if paid:
        numbers = _orders_record(paid, destination=account.stripe_account_id)
        for index, charge, intent, fee in paid:
            outcomes[index] = SavedCardCharge("succeeded", payment_intent_id=intent["id"], application_fee=fee,
                                              processor_fee=_fee_in(intent), order_number=numbers[intent["id"]])
    return outcomes


def _intent_create(charge: OffSessionCharge, *, fee: int, destination: str) -> tuple[SavedCardCharge | None, dict | None]:
    """Stripe's answer for one charge: (outcome, None) unless it succeeded, then (None, the PaymentIntent)."""
    params = {"amount": charge.amount, "currency": charge.currency.lower(), "customer": charge.customer,
              "payment_method": charge.payment_method, "off_session": True, "confirm": True,
              "expand": ["latest_charge.balance_transaction"], "description": charge.description[:250],
              "metadata": {**charge.metadata, "tenant_schema": connection.schema_name},
              "transfer_data": {"destination": destination}}
    if fee:
        params["application_fee_amount"] = fee
    try:
        intent = gateway.payment_intent_create(params=params, idempotency=charge.idempotency).to_dict()
    except gateway.CardError as exc:
        error = exc.error
        code = getattr(error, "code", None) or ""
        intent = getattr(error, "payment_intent", None)
        intent_id = (intent.get("id") if isinstance(intent, dict) else getattr(intent, "id", "")) or ""
        status = "authentication_required" if code == "authentication_required" else "declined"
        return SavedCardCharge(status, payment_intent_id=intent_id, message=exc.user_message or str(exc)), None
    except gateway.StripeError as exc:
        logger.warning("off-session charge %s refused: %s", charge.idempotency, exc)
        return SavedCardCharge("unavailable", message="The payment service is unavailable; it will be retried."), None
    if intent.get("status") != "succeeded":
        return SavedCardCharge("authentication_required", payment_intent_id=intent["id"],
                               message="The card needs its holder to confirm this payment."), None
    return None, intent


def _order_ids_take(count: int) -> list[int]:
    """`count` ids from the orders' id sequence (the numbers are known before the insert)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [Order._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _orders_record(paid: list[tuple[int, OffSessionCharge, dict, int]], *, destination: str) -> dict[str, str]:
    """The paid orders (one per PaymentIntent, also when Stripe replayed a key) and their ledger
    transactions; -> order number by PaymentIntent id."""
    intent_ids = [intent["id"] for _, _, intent, _ in paid]
    orders = {order.stripe_payment_intent_id: order for order in
              Order.objects.filter(stripe_payment_intent_id__in=intent_ids).only("pk", "number", "stripe_payment_intent_id")}
    now = timezone.now()
    new = {}
    for _, charge, intent, fee in paid:
        if intent["id"] in orders or intent["id"] in new:
            continue
        buyer = charge.buyer
        new[intent["id"]] = Order(
            buyer=buyer, buyer_email=buyer.email, buyer_name=buyer.get_full_name()[:300],
            status=Order.Status.PAID, product_kind=charge.product_kind, product_ref=charge.product_ref,
            description=charge.description[:300], currency=charge.currency, subtotal_amount=charge.amount,
            total_amount=charge.amount, application_fee_amount=fee, processor_fee_amount=_fee_in(intent),
            destination_account=destination, stripe_payment_intent_id=intent["id"], paid_at=now, fulfilled_at=now)
    if new:
        for order, pk in zip(new.values(), _order_ids_take(len(new))):
            order.pk, order.number = pk, f"R-{pk:06d}"  # the number follows from the id, as for any order
        orders |= {order.stripe_payment_intent_id: order for order in Order.objects.bulk_create(new.values())}
    ledger.charges_record(charges=[
        ledger.Charge(order=orders[intent["id"]], reference=intent["id"], total=charge.amount, application_fee=fee,
                      processor_fee=_fee_in(intent), currency=charge.currency, memo=charge.description[:300])
        for _, charge, intent, fee in paid])
    return {intent_id: order.number for intent_id, order in orders.items()}


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
