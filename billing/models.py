"""Platform plans and the subscription that puts an institution on one; public schema."""
from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models


class Plan(models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    FEATURES = {
        "crowdfunding": "Crowdfunding campaigns",
        "custom_domain": "Custom domains",
        "certificates": "Verifiable certificates",
        "api_access": "API access",
        "sso": "Single sign-on",
        "branding_removal": "No “Powered by EduCrowd”",
    }

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    price_amount = models.PositiveIntegerField(help_text="Price in minor units (cents).", default=0)
    currency = models.CharField(
        max_length=3, default="USD", validators=[RegexValidator(r"^[A-Z]{3}$", "Use an ISO 4217 code such as USD.")]
    )
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)
    max_learners = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means unlimited.")
    max_courses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty means unlimited.")
    storage_mb = models.PositiveIntegerField(default=1024, validators=[MinValueValidator(1)])
    max_staff = models.PositiveIntegerField(
        null=True, blank=True, help_text="Staff seats (admins, instructors, TAs); empty means unlimited."
    )
    application_fee_bps = models.PositiveSmallIntegerField(
        default=500, validators=[MaxValueValidator(5000)],
        help_text="Platform fee on learner payments, in basis points (500 = 5%).",
    )
    features = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True, help_text="Inactive plans cannot be chosen by new institutions.")
    sort_order = models.PositiveSmallIntegerField(default=0)
    trial_days = models.PositiveSmallIntegerField(default=0, help_text="Free days before the first charge.")
    price_yearly_amount = models.PositiveIntegerField(default=0, help_text="Yearly price in minor units (0: no yearly price).")
    stripe_price_monthly = models.CharField(max_length=100, blank=True, help_text="Stripe price id (empty: sent inline).")
    stripe_price_yearly = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "price_amount", "code"]

    def __str__(self) -> str:
        return self.name

    def has_feature(self, key: str) -> bool:
        return bool(self.features.get(key))

    @property
    def price_display(self) -> str:
        from .money import price_label

        label = price_label(self.price_amount, self.currency)
        return label if self.price_amount == 0 else f"{label} / {self.interval}"


class Subscription(models.Model):
    """The plan an institution is on. Owned by billing (the tenancy core knows no plans); the
    Stripe fields arrive with the billing issue."""

    class Status(models.TextChoices):
        TRIALING = "trialing", "Trialing"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Past due"
        CANCELED = "canceled", "Canceled"

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    interval = models.CharField(max_length=8, choices=Plan.Interval.choices, default=Plan.Interval.MONTH)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    past_due_since = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the subscription last became canceled (churn figures).")
    had_trial = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.plan or 'no plan'} ({self.status})"


class ConnectedAccount(models.Model):
    """The Stripe Connect Express account an institution is paid into (learner payments are
    destination charges to it). State mirrors Stripe's `account.updated` events."""

    tenant = models.OneToOneField("tenants.Tenant", on_delete=models.CASCADE, related_name="connected_account")
    stripe_account_id = models.CharField(max_length=255, unique=True)
    country = models.CharField(max_length=2, default="US")
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.stripe_account_id}"

    @property
    def status_label(self) -> str:
        if self.charges_enabled and self.payouts_enabled:
            return "Ready: payments and payouts enabled"
        if self.charges_enabled:
            return "Payments enabled; payouts pending"
        if self.details_submitted:
            return "Under review by Stripe"
        return "Onboarding not finished"


class PlatformInvoice(models.Model):
    """An invoice Stripe issued to an institution for its plan (mirrored from invoice events)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="invoices")
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=32)
    amount_due = models.BigIntegerField()
    amount_paid = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    hosted_invoice_url = models.URLField(max_length=1000, blank=True)
    invoice_pdf = models.URLField(max_length=1000, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created"]


class StripeEvent(models.Model):
    """A webhook event as Stripe sent it, stored by its Stripe id before anything is done with it.

    The endpoint only verifies, stores and enqueues; `billing.webhooks.stripe_event_process`
    does the work. A duplicate delivery finds the row and changes nothing; a beat job picks up
    rows left pending (broker down, worker lost)."""

    class Source(models.TextChoices):
        PLATFORM = "platform", "Platform"
        CONNECT = "connect", "Connect"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Processed"
        IGNORED = "ignored", "Ignored (no handler)"
        FAILED = "failed", "Failed"

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    account = models.CharField(max_length=255, blank=True, help_text="The connected account (Connect events).")
    livemode = models.BooleanField(default=False)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True, help_text="Where processing took effect.")
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.stripe_id} {self.type} ({self.status})"
