"""The tenant's ledger: every money movement as entries that sum to zero.

Accounts: the learner (customer) gives the total; the institution's Connect balance receives
the total less the platform fee; the platform receives its fee less the processor's fee
(destination charges: Stripe takes its fee from the platform); the processor receives its
fee. A refund gives back proportionally (the platform fee is refunded in the same share;
Stripe keeps its fee). A payout moves the institution's balance to its bank.

Rounding rule (the one rule, also in docs/decisions/0011): a fee in minor units is
Decimal(amount) × rate rounded half-up to a whole minor unit; a proportional share is
Decimal(part) × whole / total rounded half-up.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from .models import LedgerEntry, LedgerTransaction, Order

Account = LedgerEntry.Account


def fee_of(amount: int, basis_points: int) -> int:
    """Platform fee: `amount` × bps / 10,000, half-up to a whole minor unit."""
    return int((Decimal(amount) * basis_points / Decimal(10_000)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_of(part: int, whole: int, total: int) -> int:
    """`whole` × part / total, half-up (a refund's share of a fee)."""
    if total <= 0:
        return 0
    return int((Decimal(whole) * part / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Unbalanced(Exception):
    pass


def _record(*, kind: str, reference: str, order: Order | None, currency: str, memo: str,
            entries: list[tuple[str, int]], occurred_at=None) -> LedgerTransaction | None:
    """Write one balanced transaction; -> None when `(kind, reference)` was already recorded."""
    entries = [(account, amount) for account, amount in entries if amount]
    if sum(amount for _, amount in entries) != 0:
        raise Unbalanced(f"{kind} {reference}: entries sum to {sum(a for _, a in entries)}, not 0")
    if LedgerTransaction.objects.filter(kind=kind, reference=reference).exists():
        return None
    try:
        with transaction.atomic():
            txn = LedgerTransaction.objects.create(kind=kind, reference=reference, order=order, currency=currency,
                                                   memo=memo[:300], occurred_at=occurred_at or timezone.now())
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=txn, account=account, amount=amount, currency=currency)
                for account, amount in entries
            )
    except IntegrityError:  # the same movement recorded concurrently: the other write stands
        return None
    return txn


def charge_record(*, order: Order | None, reference: str, total: int, application_fee: int, processor_fee: int,
                  currency: str | None = None, memo: str = ""):
    """A card payment (an order's, or a collected pledge's when `order` is None)."""
    return _record(kind=LedgerTransaction.Kind.CHARGE, reference=reference, order=order,
                   currency=currency or order.currency, memo=memo or f"Payment for order {order.number}", entries=[
                       (Account.CUSTOMER, -total),
                       (Account.INSTITUTION, total - application_fee),
                       (Account.PLATFORM, application_fee - processor_fee),
                       (Account.PROCESSOR, processor_fee),
                   ])


def refund_record(*, order: Order | None, reference: str, amount: int, application_fee_refunded: int,
                  currency: str | None = None, memo: str = ""):
    return _record(kind=LedgerTransaction.Kind.REFUND, reference=reference, order=order,
                   currency=currency or order.currency, memo=memo or f"Refund on order {order.number}", entries=[
                       (Account.CUSTOMER, amount),
                       (Account.INSTITUTION, -(amount - application_fee_refunded)),
                       (Account.PLATFORM, -application_fee_refunded),
                   ])


def payout_record(*, reference: str, amount: int, currency: str, occurred_at=None):
    return _record(kind=LedgerTransaction.Kind.PAYOUT, reference=reference, order=None, currency=currency,
                   memo="Payout to the institution's bank account", occurred_at=occurred_at, entries=[
                       (Account.INSTITUTION, -amount), (Account.BANK, amount),
                   ])


def balances(*, currency: str | None = None) -> dict[tuple[str, str], int]:
    """(account, currency) -> balance in minor units."""
    rows = LedgerEntry.objects.all()
    if currency:
        rows = rows.filter(currency=currency)
    return {(row["account"], row["currency"]): row["total"]
            for row in rows.values("account", "currency").annotate(total=Sum("amount")).order_by()}


def unbalanced_transactions() -> list[int]:
    """Ids of transactions whose entries do not sum to zero (must always be empty)."""
    return list(LedgerTransaction.objects.annotate(total=Sum("entries__amount"))
                .exclude(total=0).values_list("pk", flat=True))
