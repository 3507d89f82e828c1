"""The operator console refuses a custom domain for an institution whose plan lacks the feature."""
from html import unescape

import pytest

from billing.models import Plan, Subscription
from tenants.models import Domain

pytestmark = pytest.mark.django_db


def _add(console, tenant, domain):
    return console.post(f"/console/tenants/{tenant.uuid}/domains/add/", {"domain": domain})


def test_custom_domain_is_refused_on_a_plan_without_it_and_added_with_it(super_console, site_a):
    basic = Plan.objects.create(code="basic-nodomain", name="Basic", price_amount=500, features={"api_access": True})
    Subscription.objects.filter(tenant=site_a.tenant).update(plan=basic)
    response = _add(super_console, site_a.tenant, "learn.acme-example.org")
    assert response.status_code == 400
    assert "Custom domains are not included in the Basic plan" in unescape(response.content.decode())
    assert not Domain.objects.filter(domain="learn.acme-example.org").exists()

    Plan.objects.filter(pk=basic.pk).update(features={"custom_domain": True})
    response = _add(super_console, site_a.tenant, "learn.acme-example.org")
    assert response.status_code == 302
    assert Domain.objects.filter(domain="learn.acme-example.org", tenant=site_a.tenant).exists()
