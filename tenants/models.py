"""Institutions (tenants) and the domains that route to them; public schema."""
from __future__ import annotations

import uuid

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from .validators import validate_time_zone


class Tenant(TenantMixin):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        PENDING = "pending", "Pending email confirmation"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=40, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    # Chosen at sign-up: every price on the institution's site (courses, tracks, coupons) is in
    # this ISO 4217 currency, and its Stripe Connect account is opened in this country.
    currency = models.CharField(max_length=3, default="USD")
    country = models.CharField(max_length=2, default="US")
    # Pages of the institution's site show times in this IANA zone (tenants.middleware
    # activates it per request); the database stores UTC.
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    # The template schema new tenants are cloned from is a real tenant row, so that
    # migrate_schemas keeps it current; it has no domain and never serves requests.
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # Schemas are created and dropped by tenants.services, never implicitly by save()/delete().
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def primary_domain(self) -> str | None:
        domain = next((d for d in self.domains.all() if d.is_primary), None)
        return domain.domain if domain else None


class Domain(DomainMixin):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "domain"]
