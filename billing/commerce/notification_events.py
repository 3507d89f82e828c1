"""The payment events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenants.api import notify_event_register

    notify_event_register("payment_receipt", title="Payment receipt", category="payments", default="all", mandatory=True,
                   sample={"order": {"number": "ORD-000123", "description": "Analytical Engines"}, "total": "€49.00",
                           "receipt_url": "https://example.org/billing/orders/ID/receipt.pdf",
                           "product_url": "https://example.org/courses/engines/"})
