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


PAYMENTS = PrivacyProvider(
    area="payments", title="Payments, receipts and refunds",
    holdings=(
        Holding("commerce.Order", fields=("buyer", "buyer_email", "buyer_name")),
        Holding("commerce.Refund", fields=("created_by",)),
        Holding("commerce.Coupon", fields=("created_by",)),
    ),
    export=payments_export, legal_hold="payments", order=200,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PAYMENTS)
    privacy_not_personal("commerce.SellerProfile", ("legal_name",), "the institution's legal name")
