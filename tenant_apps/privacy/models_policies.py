"""Policies and consent: versioned privacy policy and terms, who accepted which version, and the
optional (revocable) consents to marketing email and analytics."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class PolicyDocument(models.Model):
    """One version of the institution's privacy policy or terms. A draft has no number; publishing
    numbers it and fixes when it takes effect, after which it never changes."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", "Privacy policy"
        TERMS = "terms", "Terms of use"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(null=True, blank=True)  # set when published
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown")
    summary = models.TextField(blank=True, help_text="What changed since the previous version")
    # Material change: everyone is asked to accept it before they continue. The platform's default
    # first version is not (people accept it when they sign up or accept an invitation).
    reconsent = models.BooleanField(default=True)
    platform_default = models.BooleanField(default=False)
    effective_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(null=True, blank=True)  # "new policy version" email sent
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], condition=Q(version__isnull=False),
                                    name="privacy_policy_version_unique"),
            models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(version__isnull=False, effective_at__isnull=False),
                                   name="privacy_policy_published_numbered"),
        ]
        indexes = [models.Index(fields=["kind", "effective_at"], name="privacy_policy_effective")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}" if self.version else f"{self.get_kind_display()} (draft)"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ConsentRecord(models.Model):
    """A person accepted one version of a policy document."""

    class Source(models.TextChoices):
        SIGNUP = "signup", "Sign-up"
        INVITATION = "invitation", "Invitation"
        PROMPT = "prompt", "Asked after a new version"
        API = "api", "API"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_consents")
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="consents")
    accepted_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="privacy_consent_once")]


class ConsentChoice(models.Model):
    """One change of an optional consent (marketing email, analytics): the latest row per person
    and purpose is the current choice; the rows are its history."""

    class Purpose(models.TextChoices):
        MARKETING_EMAIL = "marketing_email", "News and offers by email"
        ANALYTICS = "analytics", "Usage analytics"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_choices")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    granted = models.BooleanField()
    changed_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "purpose", "-changed_at"], name="privacy_choice_latest")]
