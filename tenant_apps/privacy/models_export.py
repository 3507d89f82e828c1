"""A person's export of their data (right of access and portability): one request, its ZIP."""
from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

EXPORT_VALID_FOR = timedelta(hours=24)


class ExportRequest(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    OPEN = (Status.QUEUED, Status.RUNNING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The person themselves, or the tenant admin who ran it for them (null once that admin is gone).
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    areas_total = models.PositiveIntegerField(default=0)
    areas_done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)  # in the tenant's storage (tenant-prefixed)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    # sha256 of the emailed download link's token; the token itself is never stored.
    token_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One export in the making per person at a time (a second request is a 409).
            models.UniqueConstraint(fields=["user"], condition=Q(status__in=["queued", "running"]),
                                    name="privacy_one_open_export_per_user"),
        ]

    def __str__(self) -> str:
        return f"export {self.public_id} ({self.status})"

    @property
    def by_admin(self) -> bool:
        return self.requested_by_id is not None and self.requested_by_id != self.user_id

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.EXPIRED or (
            self.status == self.Status.READY and self.expires_at is not None and self.expires_at <= timezone.now())

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and not self.is_expired

    @property
    def shown_status(self) -> str:
        return self.Status.EXPIRED.label if self.is_expired else self.get_status_display()

    @property
    def percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        if not self.areas_total:
            return 0
        return min(100, int(self.areas_done * 100 / self.areas_total))
