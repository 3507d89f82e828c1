"""Notifications of one institution's members: the bell's rows, preferences, category unsubscribes, digest items."""
import uuid

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One in-app notification of one person (the bell and /notifications/)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event_key = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000)
    url = models.CharField(max_length=500, blank=True)  # a site path, never another host
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread")]


class NotificationPreference(models.Model):
    """A person's delivery choice for one event type (no row: the event type's default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences")
    event_key = models.CharField(max_length=64)
    choice = models.CharField(max_length=16)  # registry.CHOICES
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event_key"], name="notif_pref_one_per_event")]


class EmailUnsubscribe(models.Model):
    """No more (non-mandatory) email of this category to this person: the one-click link's effect."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_unsubscribes")
    category = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "category"], name="notif_unsub_one_per_category")]


class DigestItem(models.Model):
    """A notification waiting for the person's daily digest email."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items")
    event_key = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "sent_at"], name="notif_digest_pending")]


class DigestSend(models.Model):
    """One digest per person per day: the row is claimed before the email is queued (idempotent job)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="notif_digest_once_a_day")]
