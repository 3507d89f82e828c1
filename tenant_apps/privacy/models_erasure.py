"""Erasure (right to be forgotten): the institution's settings, each person's request with its
pipeline state, and the records kept under legal hold (docs/decisions/0016-erasure-pseudonyms-and-legal-holds.md)."""
from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

COOL_OFF_MAX_DAYS = 60


def _salt() -> str:
    return secrets.token_hex(32)


class PrivacySettings(models.Model):
    """One row per institution (pk=1): its erasure cool-off, and the secret salt of its pseudonyms."""

    erasure_cool_off_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(0), MaxValueValidator(COOL_OFF_MAX_DAYS)],
        help_text=f"Days during which an erasure request can be cancelled (0–{COOL_OFF_MAX_DAYS}).")
    # Pseudonyms are HMACs under this salt: without it, `retired-…` leads back to nobody.
    pseudonym_salt = models.CharField(max_length=64, default=_salt, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "privacy settings"

    def __str__(self) -> str:
        return "Privacy settings"


class ErasureRequest(models.Model):
    """One person's erasure: requested, cooling off (cancellable), then a linear pipeline of steps.

    `user` stays pointed at the account after the end: the account row is kept as an anonymised
    tombstone (payment records under legal hold protect it), never deleted."""

    class Status(models.TextChoices):
        COOLING_OFF = "cooling_off", "Cooling off"
        CANCELLED = "cancelled", "Cancelled"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.COOLING_OFF, Status.RUNNING, Status.FAILED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="The administrator who asked; empty: the person.")
    by_self = models.BooleanField(default=True)
    # "": the person or an administrator asked; "retention": the account was inactive past the
    # institution's period (tenant_apps/privacy/retention_accounts.py), nobody asked.
    reason = models.CharField(max_length=16, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.COOLING_OFF, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scheduled_for = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    pseudonym = models.CharField(max_length=40)
    cancel_token_hash = models.CharField(max_length=64, unique=True)
    was_active = models.BooleanField(default=True, help_text="The account's state before the lock (restored on cancel).")
    step = models.PositiveSmallIntegerField(default=0, help_text="Steps finished (the next to run).")
    steps_total = models.PositiveSmallIntegerField(default=0)
    log = models.JSONField(default=list, blank=True)  # [{"step", "counts", "finished_at"}]
    files_pending = models.JSONField(default=list, blank=True)  # storage names the files step deletes
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(status__in=["cooling_off", "running", "failed"]),
                                    name="one_active_erasure_per_user"),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.pseudonym}"


class LegalHold(models.Model):
    """A record erasure kept because the law requires it (payments), its person replaced by the pseudonym."""

    request = models.ForeignKey(ErasureRequest, on_delete=models.PROTECT, related_name="holds")
    category = models.CharField(max_length=32)  # the provider's legal_hold category: "payments"
    area = models.CharField(max_length=32)
    model = models.CharField(max_length=100)  # "commerce.Order"
    object_id = models.CharField(max_length=64)
    held_until = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_until", "pk"]
        constraints = [models.UniqueConstraint(fields=["model", "object_id"], name="one_hold_per_record")]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} held until {self.held_until:%Y-%m-%d}"
