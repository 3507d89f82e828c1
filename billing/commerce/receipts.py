"""Receipt PDFs (WeasyPrint): the institution, its logo and tax details, the line, the coupon,
the amounts and refunds — every figure formatted by billing.money.

WeasyPrint fetches nothing: the logo is read from the tenant's own storage and inlined as a
data URI, and the URL fetcher refuses every other URL (no network, no file system).
"""
from __future__ import annotations

import base64
import mimetypes

from django.core.files.storage import default_storage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.api import tenant_branding

from .. import money
from .models import LedgerTransaction, Order, SellerProfile


class FetchRefused(ValueError):
    pass


def receipt_url_fetcher():
    """WeasyPrint's fetcher restricted to data: URIs (the inlined logo): no network, no files."""
    from weasyprint.urls import URLFetcher

    class ReceiptFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.split(":", 1)[0].lower() != "data":
                raise FetchRefused(f"receipts fetch nothing from outside: {url[:80]}")
            return super().fetch(url, headers)

    return ReceiptFetcher()


def _logo_data_uri(name: str) -> str:
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read(2 * 1024 * 1024 + 1)
    except OSError:
        return ""
    if len(data) > 2 * 1024 * 1024:
        return ""
    kind = mimetypes.guess_type(name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def receipt_context(order: Order) -> dict:
    branding = tenant_branding()
    seller = SellerProfile.objects.first() or SellerProfile()
    fmt = lambda amount: money.format_minor(amount, order.currency)  # noqa: E731
    refunds = [{"when": r.created_at, "amount": fmt(r.amount)} for r in order.refunds.filter(status="succeeded")]
    charge = order.transactions.filter(kind=LedgerTransaction.Kind.CHARGE).first()
    return {
        "order": order, "seller_name": seller.legal_name or branding["name"] or connection.tenant.name,
        "site_name": branding["name"], "address": seller.address, "tax_id": seller.tax_id,
        "footer": seller.receipt_footer, "color": branding.get("primary_color") or "#2563eb",
        "logo": _logo_data_uri(branding.get("logo") or ""),
        "subtotal": fmt(order.subtotal_amount), "discount": fmt(order.discount_amount) if order.discount_amount else "",
        "total": fmt(order.total_amount), "refunds": refunds,
        "refunded": fmt(order.refunded_amount) if order.refunded_amount else "",
        "net": fmt(order.total_amount - order.refunded_amount),
        "paid_at": order.paid_at, "charge_reference": charge.reference if charge else "",
        "generated_at": timezone.now(),
    }


def receipt_pdf(order: Order) -> bytes:
    from weasyprint import HTML

    html = render_to_string("billing/commerce/receipt_pdf.html", receipt_context(order))
    return HTML(string=html, url_fetcher=receipt_url_fetcher(), base_url="about:blank").write_pdf()
