"""Every console page: anonymous -> login, signed-in non-operators -> 403, tenant hosts -> 404."""
import pytest
from django.test import Client

from billing.models import Plan
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _urls(tenant_uuid):
    return [
        ("get", "/console/"),
        ("get", "/console/tenants/new/"),
        ("post", "/console/tenants/new/"),
        ("get", f"/console/tenants/{tenant_uuid}/"),
        ("post", f"/console/tenants/{tenant_uuid}/domains/add/"),
        ("post", f"/console/tenants/{tenant_uuid}/domains/remove/"),
        ("post", f"/console/tenants/{tenant_uuid}/suspend/"),
        ("post", f"/console/tenants/{tenant_uuid}/reactivate/"),
        ("post", f"/console/tenants/{tenant_uuid}/plan/"),
        ("get", f"/console/tenants/{tenant_uuid}/delete/"),
        ("post", f"/console/tenants/{tenant_uuid}/delete/"),
        ("get", "/console/plans/"),
        ("get", "/console/plans/new/"),
        ("post", "/console/plans/new/"),
        ("get", "/console/plans/starter/edit/"),
        ("post", "/console/plans/starter/edit/"),
        ("post", "/console/plans/starter/delete/"),
        ("get", "/console/billing/"),
        ("get", "/console/billing/subscriptions/"),
        ("get", "/console/billing/events/"),
        ("post", "/console/billing/events/1/reprocess/"),
        ("post", "/console/billing/events/reprocess-failed/"),
    ]


URL_COUNT = len(_urls("x"))


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_anonymous_is_sent_to_console_login(public_client, site_a, index):
    method, url = _urls(site_a.tenant.uuid)[index]
    response = getattr(public_client, method)(url, {"reason": "x", "confirmation": "acme", "domain": "x.example.org"})
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")
    site_a.tenant.refresh_from_db()
    assert not site_a.tenant.is_suspended


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_signed_in_non_operator_gets_403(non_staff_client, site_a, index):
    method, url = _urls(site_a.tenant.uuid)[index]
    response = getattr(non_staff_client, method)(url, {"reason": "x", "confirmation": "acme"})
    assert response.status_code == 403
    assert Tenant.objects.filter(slug="acme", status=Tenant.Status.ACTIVE).exists()


def test_anonymous_redirect_keeps_the_page_as_next(public_client):
    response = public_client.get("/console/plans/")
    assert response["Location"] == "/console/login/?next=/console/plans/"


@pytest.mark.parametrize("method,url", [
    ("get", "/console/plans/new/"),
    ("post", "/console/plans/new/"),
    ("get", "/console/plans/starter/edit/"),
    ("post", "/console/plans/starter/edit/"),
    ("post", "/console/plans/starter/delete/"),
])
def test_plan_changes_need_a_console_admin(support_console, method, url):
    response = getattr(support_console, method)(url, {"name": "Hacked", "price": "0", "currency": "USD"})
    assert response.status_code == 403
    assert Plan.objects.get(code="starter").name == "Starter"


def test_support_can_read_plans(support_console):
    response = support_console.get("/console/plans/")
    assert response.status_code == 200
    assert b"Starter" in response.content
    assert b"/console/plans/new/" not in response.content


@pytest.mark.parametrize("path", ["/console/", "/console/login/", "/console/plans/", "/console/billing/",
                                  "/console/billing/subscriptions/", "/console/billing/events/",
                                  "/console/billing/events/1/reprocess/", "/console/billing/events/reprocess-failed/"])
def test_tenant_hosts_do_not_serve_the_console(site_a, operator, path):
    client = site_a.client()
    assert client.get(path).status_code == 404
    assert client.post(path, {"username": operator.email, "password": "x"}).status_code == 404


def test_unknown_host_does_not_serve_the_console():
    assert Client(HTTP_HOST="nobody.example.org").get("/console/").status_code == 404
