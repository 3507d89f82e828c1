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

from dataclasses import dataclass
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


def _charge_entries(*, total: int, application_fee: int, processor_fee: int) -> list[tuple[str, int]]:
    return [
        (Account.CUSTOMER, -total),
        (Account.INSTITUTION, total - application_fee),
        (Account.PLATFORM, application_fee - processor_fee),
        (Account.PROCESSOR, processor_fee),
    ]


def charge_record(*, order: Order | None, reference: str, total: int, application_fee: int, processor_fee: int,
                  currency: str | None = None, memo: str = ""):
    """A card payment (an order's, or a collected pledge's when `order` is None)."""
    return _record(kind=LedgerTransaction.Kind.CHARGE, reference=reference, order=order,
                   currency=currency or order.currency, memo=memo or f"Payment for order {order.number}",
                   entries=_charge_entries(total=total, application_fee=application_fee, processor_fee=processor_fee))


@dataclass(frozen=True)
class Charge:
    """One card payment for `charges_record` (the arguments of `charge_record`)."""
    order: Order | None
    reference: str
    total: int
    application_fee: int
    processor_fee: int
    currency: str
    memo: str = ""


def charges_record(*, charges: list[Charge]) -> int:
    """`charge_record` for many payments at once (a settlement batch): the same transactions and
    entries, each `(kind, reference)` once, written with two inserts; -> how many were new."""
    kind = LedgerTransaction.Kind.CHARGE
    done = set(LedgerTransaction.objects.filter(kind=kind, reference__in=[c.reference for c in charges])
               .values_list("reference", flat=True))
    todo = {}
    for charge in charges:
        if charge.reference not in done:
            todo.setdefault(charge.reference, charge)
    if not todo:
        return 0
    now = timezone.now()
    rows = []
    for charge in todo.values():
        entries = [(a, v) for a, v in _charge_entries(total=charge.total, application_fee=charge.application_fee,
                                                       processor_fee=charge.processor_fee) if v]
        if sum(v for _, v in entries) != 0:
            raise Unbalanced(f"{kind} {charge.reference}: entries sum to {sum(v for _, v in entries)}, not 0")
        rows.append((charge, entries))
    try:
        with transaction.atomic():
            txns = LedgerTransaction.objects.bulk_create(
                LedgerTransaction(kind=kind, reference=charge.reference, order=charge.order, currency=charge.currency,
                                  memo=(charge.memo or (f"Payment for order {charge.order.number}" if charge.order else ""))[:300],
                                  occurred_at=now)
                for charge, _ in rows)
            LedgerEntry.objects.bulk_create(
                LedgerEntry(transaction=txn, account=account, amount=amount, currency=charge.currency)
                for txn, (charge, entries) in zip(txns, rows) for account, amount in entries)
    except IntegrityError:  # some were recorded concurrently: one by one, the other writes stand
        return sum(1 for charge, _ in rows if charge_record(
            order=charge.order, reference=charge.reference, total=charge.total, application_fee=charge.application_fee,
            processor_fee=charge.processor_fee, currency=charge.currency, memo=charge.memo) is not None)
    return len(rows)


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
