"""Retention: how long each category of records is kept here, and the runs that applied it."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RetentionPolicy(models.Model):
    """An institution's choice for one category (within the platform's bounds); no row: the default."""

    category = models.CharField(max_length=32, unique=True)
    days = models.PositiveIntegerField()
    enabled = models.BooleanField(default=True, help_text="Off: the nightly run only reports what would go.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class RetentionRun(models.Model):
    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", "Nightly"
        STAFF = "staff", "Staff"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dry_run = models.BooleanField()
    trigger = models.CharField(max_length=16, choices=Trigger.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {category: {"title", "days", "cutoff", "enabled", "applied", "count", "detail"}}
    report = models.JSONField(default=dict)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]


class RetentionHold(models.Model):
    """An administrator keeps this account out of the inactive-accounts retention (a dispute, a
    pending certificate, an alumnus the institution wants to keep). Erasure the person asks for
    is not affected."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
