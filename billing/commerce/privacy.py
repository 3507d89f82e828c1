"""What learner payments hold about a person: their orders and refunds. Paid orders are
accounting records: erasure keeps them under legal hold (category "payments"), with the
person's name replaced, for the retention period."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, privacy_not_personal, rows


def payments_export(user) -> ExportPart:
    from .models import Order, Refund

    orders = Order.objects.filter(buyer=user).order_by("created_at")
    return ExportPart(records=[
        *({"kind": "order", **r} for r in rows(orders, (
            "number", "public_id", "status", "product_kind", "product_ref", "description", "currency", "subtotal_amount",
            "discount_amount", "total_amount", "refunded_amount", "coupon_code", "buyer_email", "buyer_name",
            "created_at", "paid_at"))),
        *({"kind": "refund", **r} for r in rows(Refund.objects.filter(order__buyer=user).order_by("created_at"), (
            "order__number", "amount", "status", "reason", "created_at"))),
    ])


def payments_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Orders are accounting records: all stay, the buyer's name and email replaced by the pseudonym;
    paid ones (and their refunds) are declared as held. Unpaid orders carry nothing of the person
    afterwards either, and stay so coupon uses and Stripe reconciliation keep adding up."""
    from .models import Order, Refund

    orders = Order.objects.filter(buyer=user)
    email = f"{pseudonym}@invalid"
    changed = orders.exclude(buyer_email=email, buyer_name=pseudonym).update(buyer_email=email, buyer_name=pseudonym)
    paid = list(orders.filter(status__in=Order.PAID_STATES).values_list("pk", flat=True))
    refunds = list(Refund.objects.filter(order__buyer=user).values_list("pk", flat=True))
    holds += [("commerce.Order", str(pk)) for pk in paid] + [("commerce.Refund", str(pk)) for pk in refunds]
    return {"orders_anonymised": changed, "orders_held": len(paid), "refunds_held": len(refunds)}


def payments_last_activity(user_ids: list[int]) -> dict:
    from .models import Order

    return latest_by_user(Order.objects.filter(buyer_id__in=user_ids), "buyer_id", "created_at", "paid_at")


def payments_obligations(user_ids: list[int]) -> dict[int, str]:
    """What the institution still owes the person: a refund not yet through, a paid product not
    delivered. (A pending order is not one: its checkout expires within a day, and creating it
    was activity anyway.)"""
    from .models import Order, Refund

    owed = {pk: "refund_pending" for pk in Refund.objects.filter(
        order__buyer_id__in=user_ids, status=Refund.Status.PENDING).values_list("order__buyer_id", flat=True)}
    for pk in Order.objects.filter(buyer_id__in=user_ids, status__in=Order.PAID_STATES).exclude(
            fulfilment_error="").values_list("buyer_id", flat=True):
        owed.setdefault(pk, "paid_not_delivered")
    return owed


RELEASED_EMAIL = "released@invalid"


def payments_release(model: str, ids: list[str]) -> dict[str, int]:
    """The legal hold ended (retention "payments"): the rows stay, because the ledger's transactions
    point at them and their amounts keep the books balanced, but nothing is left that leads to the
    person: no pseudonymous name or email (which tied the person's orders together), no Stripe
    references (which lead to the card holder at the processor), no free-text notes; the ledger
    transactions of those orders keep kind, amounts, dates and memo, their Stripe reference
    replaced by `released-<id>`."""
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Cast, Concat

    from .models import LedgerTransaction, Order, Refund

    pks = [int(pk) for pk in ids]
    if model == "commerce.Order":
        orders = Order.objects.filter(pk__in=pks)
        changed = orders.update(buyer_email=RELEASED_EMAIL, buyer_name="", stripe_checkout_session_id="",
                                stripe_payment_intent_id="", failure_message="", fulfilment_error="")
        Refund.objects.filter(order__in=orders).update(reason="", stripe_refund_id="", failure_message="")
        ledger = LedgerTransaction.objects.filter(order__in=orders).exclude(reference__startswith="released-").update(
            reference=Concat(Value("released-"), Cast(F("pk"), output_field=CharField())))
        return {"orders_released": changed, "ledger_references_removed": ledger}
    if model == "commerce.Refund":
        return {"refunds_released": Refund.objects.filter(pk__in=pks).update(reason="", stripe_refund_id="",
                                                                               failure_message="")}
    return {}


PAYMENTS = PrivacyProvider(
    area="payments", title="Payments, receipts and refunds",
    holdings=(
        Holding("commerce.Order", fields=("buyer", "buyer_email", "buyer_name")),
        Holding("commerce.Refund", fields=("created_by",)),
        Holding("commerce.Coupon", fields=("created_by",)),
    ),
    export=payments_export, erase=payments_erase, legal_hold="payments", order=200,
    last_activity=payments_last_activity, obligations=payments_obligations, release=payments_release,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PAYMENTS)
    privacy_not_personal("commerce.SellerProfile", ("legal_name",), "the institution's legal name")
