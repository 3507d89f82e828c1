"""Learner payments, in the tenant schema: orders, coupons, refunds and a double-entry ledger.

Amounts are integer minor units of the order's currency (billing.money). Products are owned
by other apps (courses, tracks) and named here by kind + reference, with the title and price
copied onto the order when it is placed (the order is what was bought, whatever the course
becomes later).
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class SellerProfile(models.Model):
    """What a receipt says about the institution (one row per tenant schema)."""

    legal_name = models.CharField(max_length=200, blank=True, help_text="Empty: the site's name.")
    address = models.TextField(max_length=1000, blank=True)
    tax_id = models.CharField(max_length=64, blank=True, help_text="VAT / GST / tax number printed on receipts.")
    receipt_footer = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off"
        FIXED = "fixed", "Fixed amount off"

    code = models.CharField(max_length=40, unique=True, help_text="Stored upper-case; learners type it in any case.")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    percent_off = models.PositiveSmallIntegerField(null=True, blank=True,
                                                   validators=[MinValueValidator(1), MaxValueValidator(100)])
    amount_off = models.PositiveIntegerField(null=True, blank=True, help_text="Minor units of `currency`.")
    currency = models.CharField(max_length=3, blank=True)
    product_kind = models.CharField(max_length=16, blank=True, help_text="Empty: every product.")
    product_ref = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    times_redeemed = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="coupon_redemptions_within_limit",
                condition=Q(max_redemptions__isnull=True) | Q(times_redeemed__lte=models.F("max_redemptions")),
            ),
            models.CheckConstraint(
                name="coupon_kind_fields",
                condition=(Q(kind="percent", percent_off__isnull=False)
                       | Q(kind="fixed", amount_off__isnull=False) & ~Q(currency="")),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        CANCELED = "canceled", "Canceled"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    PAID_STATES = (Status.PAID, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=20, unique=True, help_text="Shown on receipts: R-000042.")
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    buyer_email = models.EmailField(max_length=254)
    buyer_name = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    product_kind = models.CharField(max_length=16)
    product_ref = models.CharField(max_length=100)
    description = models.CharField(max_length=300)
    currency = models.CharField(max_length=3)
    subtotal_amount = models.PositiveIntegerField()
    discount_amount = models.PositiveIntegerField(default=0)
    total_amount = models.PositiveIntegerField()
    application_fee_amount = models.PositiveIntegerField(default=0)
    processor_fee_amount = models.PositiveIntegerField(default=0)
    refunded_amount = models.PositiveIntegerField(default=0)
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.PROTECT, related_name="orders")
    coupon_code = models.CharField(max_length=40, blank=True)
    coupon_released = models.BooleanField(default=False, help_text="The coupon use was given back (failed/canceled).")
    destination_account = models.CharField(max_length=255, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_message = models.CharField(max_length=500, blank=True)
    fulfilment_error = models.CharField(max_length=500, blank=True,
                                        help_text="Paid but the product could not be delivered (staff must act).")
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product_kind", "product_ref"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATES

    @property
    def refundable_amount(self) -> int:
        return self.total_amount - self.refunded_amount if self.is_paid else 0


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    application_fee_refunded = models.PositiveIntegerField(default=0)
    revoke_access = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class LedgerTransaction(models.Model):
    """One money movement; its entries sum to zero. `(kind, reference)` is unique, so applying
    the same Stripe object twice (duplicate webhook, retried task) writes nothing the second time."""

    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        REFUND = "refund", "Refund"
        PAYOUT = "payout", "Payout"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    reference = models.CharField(max_length=255, help_text="The Stripe object it records (pi_…, re_…, po_…).")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.PROTECT, related_name="transactions")
    currency = models.CharField(max_length=3)
    memo = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "reference"], name="ledger_transaction_once")]


class LedgerEntry(models.Model):
    class Account(models.TextChoices):
        CUSTOMER = "customer", "Learner (paid)"
        INSTITUTION = "institution", "Institution balance (Stripe Connect)"
        PLATFORM = "platform", "Platform fee"
        PROCESSOR = "processor_fees", "Payment processor fees"
        BANK = "institution_bank", "Institution bank (paid out)"

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=20, choices=Account.choices)
    amount = models.BigIntegerField(help_text="Minor units; positive receives, negative gives.")
    currency = models.CharField(max_length=3)

    class Meta:
        ordering = ["pk"]
