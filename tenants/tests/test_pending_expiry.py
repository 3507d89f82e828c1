"""Unconfirmed public sign-ups are dropped after SIGNUP_PENDING_HOURS; active institutions never."""
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.models import Domain, Tenant
from tenants.services import tenant_create, tenant_pending_expire_all

from tenants.services import tenant_delete


def _make(slug, *, pending, age_hours):
    tenant = tenant_create(name=slug.title(), slug=slug, admin_email=f"a@{slug}.test", admin_password=None, pending=pending)
    Tenant.objects.filter(pk=tenant.pk).update(created_at=timezone.now() - timedelta(hours=age_hours))
    return tenant


def test_expiry_drops_old_pending_only(committed_db, settings):
    settings.SIGNUP_PENDING_HOURS = 48
    old = _make("oldpend", pending=True, age_hours=49)
    fresh = _make("newpend", pending=True, age_hours=1)
    active = _make("oldactive", pending=False, age_hours=500)
    assert tenant_pending_expire_all() == 1
    assert not Tenant.objects.filter(pk=old.pk).exists()
    assert not schema_exists(old.schema_name)
    assert not Domain.objects.filter(domain="oldpend.localhost").exists()
    assert Tenant.objects.filter(pk=fresh.pk).exists() and schema_exists(fresh.schema_name)
    assert Tenant.objects.filter(pk=active.pk).exists() and schema_exists(active.schema_name)
    for t in (fresh, active):
        tenant_delete(tenant=Tenant.objects.get(pk=t.pk), confirmation=t.slug)
