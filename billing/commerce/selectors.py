"""Reads of learner orders and the ledger."""
from __future__ import annotations

from django.db.models import Q, QuerySet, Sum

from .models import Coupon, LedgerEntry, Order


def order_for_buyer(*, user, public_id) -> Order | None:
    return Order.objects.select_related("coupon").filter(public_id=public_id, buyer=user).first()


def order_get(*, public_id) -> Order | None:
    return Order.objects.select_related("buyer", "coupon").filter(public_id=public_id).first()


def orders_of_buyer(*, user) -> QuerySet[Order]:
    return Order.objects.filter(buyer=user).exclude(status=Order.Status.CANCELED, paid_at__isnull=True)


def order_list(*, status: str = "", q: str = "", product: str = "", date_from=None, date_to=None) -> QuerySet[Order]:
    rows = Order.objects.select_related("buyer").order_by("-created_at")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(number__iexact=q) | Q(buyer_email__icontains=q) | Q(buyer_name__icontains=q)
                           | Q(description__icontains=q) | Q(coupon_code__iexact=q))
    if product:
        rows = rows.filter(product_ref=product)
    if date_from:
        rows = rows.filter(created_at__date__gte=date_from)
    if date_to:
        rows = rows.filter(created_at__date__lte=date_to)
    return rows


def order_ledger_figures(order: Order) -> dict[str, int]:
    """account -> net amount for one order, read from the ledger."""
    rows = (LedgerEntry.objects.filter(transaction__order=order).values("account")
            .annotate(total=Sum("amount")).order_by())
    return {row["account"]: row["total"] for row in rows}


def ledger_totals(*, orders: QuerySet[Order]) -> dict[str, dict[str, int]]:
    """currency -> {gross, refunded, platform_fees, processor_fees, institution_net} from the ledger."""
    rows = (LedgerEntry.objects.filter(transaction__order__in=orders)
            .values("currency", "account", "transaction__kind").annotate(total=Sum("amount")).order_by())
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        figures = out.setdefault(row["currency"], {"gross": 0, "refunded": 0, "platform_fees": 0,
                                                   "processor_fees": 0, "institution_net": 0})
        account, kind, total = row["account"], row["transaction__kind"], row["total"]
        if account == LedgerEntry.Account.CUSTOMER:
            figures["gross" if kind == "charge" else "refunded"] += -total if kind == "charge" else total
        elif account == LedgerEntry.Account.PLATFORM:
            figures["platform_fees"] += total
        elif account == LedgerEntry.Account.PROCESSOR:
            figures["processor_fees"] += total
        elif account == LedgerEntry.Account.INSTITUTION:
            figures["institution_net"] += total
    return out


def product_ledger_totals(*, kind: str, refs) -> dict[str, dict[str, int]]:
    """ledger_totals of the orders of product `kind` whose refs are in `refs` (an iterable or a
    queryset of strings: evaluated as a subquery, one query whatever their number)."""
    return ledger_totals(orders=Order.objects.filter(product_kind=kind, product_ref__in=refs))


def coupon_list() -> QuerySet[Coupon]:
    return Coupon.objects.all()


def learner_payments_by_currency(*, since) -> list[dict]:
    """Across every institution, from each schema's ledger since `since`: per currency, what
    learners paid (net of refunds) and the platform's fee income (net of Stripe's fees).
    One query: a UNION ALL over the tenant schemas (the ledger lives in each)."""
    from django.db import connection
    from psycopg import sql

    from tenants.api import Tenant

    schemas = list(Tenant.objects.exclude(schema_name="public").filter(is_template=False)
                   .values_list("schema_name", flat=True))
    if not schemas:
        return []
    part = sql.SQL(
        "SELECT e.currency, e.account, SUM(e.amount) AS total FROM {}.commerce_ledgerentry e "
        "JOIN {}.commerce_ledgertransaction t ON t.id = e.transaction_id "
        "WHERE t.occurred_at >= %s AND e.account IN ('customer', 'platform') GROUP BY e.currency, e.account")
    query = sql.SQL(" UNION ALL ").join(part.format(sql.Identifier(s), sql.Identifier(s)) for s in schemas)
    query = sql.SQL("SELECT currency, account, SUM(total) FROM ({}) AS per_tenant GROUP BY currency, account").format(query)
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), [since] * len(schemas))
        rows = cursor.fetchall()
    out: dict[str, dict] = {}
    for currency, account, total in rows:
        figures = out.setdefault(currency, {"currency": currency, "paid": 0, "platform_fees": 0})
        if account == "customer":
            figures["paid"] = -int(total)
        else:
            figures["platform_fees"] = int(total)
    return [out[c] for c in sorted(out)]


def receipt_url_for(order_number: str) -> str | None:
    """The receipt PDF of a paid order, by its number (for apps that keep only the number)."""
    order = Order.objects.filter(number=order_number, status__in=Order.PAID_STATES).only("public_id").first()
    return f"/billing/orders/{order.public_id}/receipt.pdf" if order else None
