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
