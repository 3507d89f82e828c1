"""What learner payments hold about a person: their orders and refunds. Paid orders are
accounting records: erasure keeps them under legal hold (category "payments"), with the
person's name replaced, for the retention period."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, privacy_not_personal, rows


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


PAYMENTS = PrivacyProvider(
    area="payments", title="Payments, receipts and refunds",
    holdings=(
        Holding("commerce.Order", fields=("buyer", "buyer_email", "buyer_name")),
        Holding("commerce.Refund", fields=("created_by",)),
        Holding("commerce.Coupon", fields=("created_by",)),
    ),
    export=payments_export, erase=payments_erase, legal_hold="payments", order=200,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PAYMENTS)
    privacy_not_personal("commerce.SellerProfile", ("legal_name",), "the institution's legal name")
