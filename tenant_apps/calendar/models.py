"""The secret of a user's iCal feed. Only its hash is stored: a leaked database row does not open the feed."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class FeedToken(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token (hex).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"


class DeadlineReminderSent(models.Model):
    """One reminder sent: a user, an entry at one due (or start) time, one kind ("1d", "1h").

    The unique key makes sending once a database fact: concurrent or repeated runs insert with
    ON CONFLICT DO NOTHING and only notify the rows they inserted. A due date moved elsewhere is a
    new key (the due time is part of it), so the new date is reminded of again.
    """

    class Kind(models.TextChoices):
        DAY = "1d", "One day before"
        HOUR = "1h", "One hour before"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    uid = models.CharField(max_length=120, help_text="The calendar entry's stable uid, e.g. assignment-<uuid>.")
    due_at = models.DateTimeField()
    kind = models.CharField(max_length=2, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "uid", "due_at", "kind"], name="deadline_reminder_once")]
        indexes = [models.Index(fields=["sent_at"], name="deadline_reminder_sent_at")]

    def __str__(self) -> str:
        return f"{self.kind} reminder of {self.uid} to user {self.user_id}"
