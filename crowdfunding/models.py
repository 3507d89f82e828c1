"""Campaigns, their reward tiers, stretch goals and FAQ, and backers' pledges (tenant schema).

Amounts are integer minor units in the institution's currency (billing.api.money). A pledge
saves a card now (Stripe SetupIntent) and is charged only if the campaign succeeds; the
settlement states are defined here and used by settlement.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class CrowdfundingSettings(models.Model):
    """One row per institution (pk=1): how campaigns are run here."""

    require_review = models.BooleanField(
        default=False, help_text="Campaigns are submitted for review and an administrator publishes them.")
    instructors_may_manage = models.BooleanField(
        default=False, help_text="Instructors may create and run their own campaigns.")
    # None: one unit of the currency (1.00 USD, 1 JPY, 1.000 KWD).
    minimum_pledge = models.PositiveIntegerField(null=True, blank=True, help_text="In minor units.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "crowdfunding settings"


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        LIVE = "live", "Live"
        SUCCESSFUL = "successful", "Successful"
        FAILED = "failed", "Failed"
        SETTLED = "settled", "Settled"
        CANCELLED = "cancelled", "Cancelled"

    class Category(models.TextChoices):
        SCHOLARSHIPS = "scholarships", "Scholarships"
        FACILITIES = "facilities", "Facilities"
        EQUIPMENT = "equipment", "Equipment"
        RESEARCH = "research", "Research"
        EVENTS = "events", "Events"
        COMMUNITY = "community", "Community"
        OTHER = "other", "Other"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    pitch = models.CharField(max_length=300, help_text="One or two sentences shown in lists and link previews.")
    story = models.TextField(blank=True, help_text="Markdown")
    # The story rendered and sanitised once when it is written (crowdfunding/markdown.py), not per page view.
    story_html = models.TextField(blank=True, default="", editable=False)
    cover = models.FileField(upload_to="campaign-covers/", blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    video_url = models.URLField(max_length=500, blank=True)
    goal_amount = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="In minor units.")
    currency = models.CharField(max_length=3)
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: when it goes live.")
    deadline = models.DateTimeField()
    # The deadline may be extended once while live; the first deadline is kept.
    original_deadline = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    comments_locked = models.BooleanField(default=False, help_text="No new comments (staff decision).")
    settlement_pledges = models.PositiveIntegerField(default=0, help_text="Active pledges to charge when it succeeded.")
    settled_at = models.DateTimeField(null=True, blank=True)
    # Scholarship campaigns (crowdfunding/scholarships.py) fund seats in a course or track of the
    # institution, named by a seat target kind and reference (crowdfunding/seats.py); the goal is
    # seats_wanted x seat_amount. Empty kind: an ordinary campaign.
    seat_kind = models.CharField(max_length=20, blank=True, default="")
    seat_ref = models.CharField(max_length=64, blank=True, default="")
    seat_title = models.CharField(max_length=200, blank=True, default="", help_text="The course/track's title when chosen.")
    seat_url = models.CharField(max_length=300, blank=True, default="")
    seat_amount = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)],
                                              help_text="One seat, in minor units.")
    seats_wanted = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    seats_opened = models.PositiveIntegerField(default=0, help_text="Scholarship seats created (ScholarshipSeat rows).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="scholarship_campaign_complete", condition=Q(seat_kind="") | (
                ~Q(seat_ref="") & Q(seat_amount__isnull=False) & Q(seats_wanted__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_scholarship(self) -> bool:
        return bool(self.seat_kind)

    @property
    def deadline_extended(self) -> bool:
        return self.original_deadline is not None

    @property
    def is_live(self) -> bool:
        return self.state == self.State.LIVE


class StretchGoal(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="stretch_goals")
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="Total pledged, in minor units.")
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["amount", "pk"]


class FaqEntry(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="faq")
    question = models.CharField(max_length=300)
    answer = models.TextField(max_length=5000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "FAQ entries"


class RewardTier(models.Model):
    """A reward backers choose. A tier with pledges is closed, never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="tiers")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    minimum_amount = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="In minor units.")
    quantity_limit = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    # Places held by open pledges (pending card or active); moved only by conditional UPDATEs.
    quantity_claimed = models.PositiveIntegerField(default=0)
    estimated_delivery = models.DateField(null=True, blank=True, help_text="The month counts (day 1 is stored).")
    shipping_note = models.CharField(max_length=300, blank=True)
    closed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["minimum_amount", "pk"]
        constraints = [
            models.CheckConstraint(name="tier_never_oversold",
                                   condition=Q(quantity_limit__isnull=True) | Q(quantity_claimed__lte=models.F("quantity_limit"))),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> int | None:
        if self.quantity_limit is None:
            return None
        return max(0, self.quantity_limit - self.quantity_claimed)


class Pledge(models.Model):
    class Status(models.TextChoices):
        PENDING_CARD = "pending_card", "Waiting for the card"
        ACTIVE = "active", "Active"
        # settlement (at the deadline)
        COLLECTED = "collected", "Collected"
        ERRORED = "errored", "Card declined"
        AUTHENTICATION_REQUIRED = "authentication_required", "Needs authentication"
        DROPPED = "dropped", "Dropped"
        REFUNDED = "refunded", "Refunded"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (Status.PENDING_CARD, Status.ACTIVE)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges")
    tier = models.ForeignKey(RewardTier, null=True, blank=True, on_delete=models.PROTECT, related_name="pledges")
    amount = models.PositiveIntegerField(validators=[MinValueValidator(1)], help_text="In minor units.")
    currency = models.CharField(max_length=3)
    anonymous = models.BooleanField(default=False)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.PENDING_CARD, db_index=True)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_checkout_session_id = models.CharField(max_length=255, blank=True)
    stripe_setup_intent_id = models.CharField(max_length=255, blank=True)
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    status_note = models.CharField(max_length=500, blank=True)
    # settlement (crowdfunding/settlement.py)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    order_number = models.CharField(max_length=20, blank=True, help_text="billing's paid order of the collection (receipt).")
    collected_at = models.DateTimeField(null=True, blank=True)
    application_fee_amount = models.PositiveIntegerField(default=0)
    processor_fee_amount = models.PositiveIntegerField(default=0)
    auth_requested_at = models.DateTimeField(null=True, blank=True, help_text="When the backer was first asked to pay on-session.")
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one open pledge per backer and campaign: a second is a change of the first
            models.UniqueConstraint(fields=["campaign", "backer"], condition=Q(status__in=["pending_card", "active"]),
                                    name="one_open_pledge_per_backer"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class CampaignUpdate(models.Model):
    """A post by the campaign's staff; emailed to its backers; optionally for backers only."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=20000, help_text="Markdown")
    # The body rendered and sanitised once when it is posted (crowdfunding/markdown.py), not per page view.
    body_html = models.TextField(blank=True, default="", editable=False)
    backers_only = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]


class Comment(models.Model):
    """A logged-in member's comment on a campaign; staff hide, delete, or lock the thread."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class ScholarshipSeat(models.Model):
    """One seat a successful scholarship campaign opened; staff award it to a learner, who is
    enrolled with source "scholarship". Seats are numbered 1..N per campaign: creating them again
    adds none (unique number)."""

    class State(models.TextChoices):
        AVAILABLE = "available", "Available"
        AWARDED = "awarded", "Awarded"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="seats")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.AVAILABLE)
    awarded_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="scholarship_seats")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    awarded_at = models.DateTimeField(null=True, blank=True)
    application = models.OneToOneField("ScholarshipApplication", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="seat")
    enrollment_ref = models.CharField(max_length=64, blank=True, help_text="The LMS enrollment it made.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="scholarship_seat_number_unique"),
            models.UniqueConstraint(fields=["campaign", "awarded_to"], condition=Q(awarded_to__isnull=False),
                                    name="one_scholarship_seat_per_learner"),
            models.CheckConstraint(name="awarded_seat_has_learner", condition=Q(state="available", awarded_to__isnull=True) | Q(
                state="awarded", awarded_to__isnull=False)),
        ]


class ScholarshipApplication(models.Model):
    """A learner's short application for a seat of a scholarship campaign; staff pick or reject."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        AWARDED = "awarded", "Awarded a seat"
        REJECTED = "rejected", "Not selected"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scholarship_applications")
    motivation = models.TextField(max_length=2000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "applicant"], name="one_scholarship_application_per_learner"),
        ]


class BackersExport(models.Model):
    """A backers' CSV written by a Celery job (large campaigns), downloaded by staff when done.

    The file lives in the institution's storage (tenant-prefixed); the row carries the progress
    the staff page polls.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Writing"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="backer_exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True, max_length=255)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(100, int(self.processed_rows * 100 / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
