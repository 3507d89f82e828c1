"""Operator roles: support reads everything and suspends/reactivates; admin does everything.

Each role × each console action: allowed actions do their work, forbidden ones answer 403 and change
nothing; pages show only what the role may do; deletion needs the operator's password as well as
the typed subdomain.
"""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django_tenants.utils import schema_exists

from billing.models import Plan
from billing.selectors import tenant_plan
from conftest import PASSWORD
from shared_apps.console import access
from tenants.models import Domain, Tenant

pytestmark = pytest.mark.django_db


def _requests(tenant) -> dict[str, list[tuple[str, str, dict]]]:
    base = f"/console/tenants/{tenant.uuid}/"
    return {
        access.VIEW: [("get", "/console/", {}), ("get", base, {}), ("get", "/console/plans/", {}),
                      ("get", "/console/audit/", {}), ("get", "/console/billing/", {}),
                      ("get", "/console/billing/subscriptions/", {}), ("get", "/console/billing/events/", {})],
        access.WEBHOOK_REPROCESS: [("post", "/console/billing/events/reprocess-failed/", {})],
        access.TENANT_SUSPEND: [("post", base + "suspend/", {"reason": "unpaid"}), ("post", base + "reactivate/", {})],
        access.TENANT_CREATE: [("get", "/console/tenants/new/", {}), ("post", "/console/tenants/new/", {
            "name": "Role Test", "slug": "role-test", "admin_email": "a@role-test.test", "admin_password": PASSWORD,
            "admin_first_name": "Ada", "admin_last_name": "Admin"})],
        access.TENANT_DOMAINS: [("post", base + "domains/add/", {"domain": "learn.roles.example.org"}),
                                ("post", base + "domains/remove/", {"domain": "learn.roles.example.org"})],
        access.TENANT_PLAN: [("post", base + "plan/", {"plan": ""})],
        access.PLAN_MANAGE: [("get", "/console/plans/new/", {}),
                             ("post", "/console/plans/new/", {"code": "rolecheck", "name": "Role check", "price": "1.500",
                                                              "currency": "KWD", "interval": "month", "storage_mb": "10",
                                                              "sort_order": "0"}),
                             ("get", "/console/plans/starter/edit/", {}),
                             ("post", "/console/plans/starter/edit/", {"name": "Renamed", "price": "0", "currency": "USD",
                                                                      "interval": "month", "storage_mb": "10", "sort_order": "0"}),
                             ("post", "/console/plans/rolecheck/delete/", {})],
        access.TENANT_DELETE: [("get", base + "delete/", {}),
                               ("post", base + "delete/", {"confirmation": tenant.slug, "password": PASSWORD})],
    }


def _snapshot(tenant) -> tuple:
    tenant.refresh_from_db()
    return (tenant.status, getattr(tenant_plan(tenant=tenant), "pk", None), sorted(Domain.objects.filter(tenant=tenant).values_list("domain", flat=True)),
            sorted(Plan.objects.values_list("code", "name")), Tenant.objects.filter(slug="role-test").exists(),
            schema_exists(tenant.schema_name))


@pytest.mark.parametrize("action", sorted(access.ACTIONS))
def test_support_may_read_and_suspend_only(support_console, make_tenant, action):
    tenant = make_tenant()
    allowed = action in (access.VIEW, access.TENANT_SUSPEND)
    for method, url, data in _requests(tenant)[action]:
        before = _snapshot(tenant)
        response = getattr(support_console, method)(url, data)
        if allowed:
            assert response.status_code in (200, 302), (url, response.status_code)
        else:
            assert response.status_code == 403, (url, response.status_code)
            assert _snapshot(tenant) == before, url


def test_support_suspends_and_reactivates(support_console, make_tenant):
    tenant = make_tenant()
    assert support_console.post(f"/console/tenants/{tenant.uuid}/suspend/", {"reason": "unpaid"}).status_code == 302
    tenant.refresh_from_db()
    assert tenant.is_suspended
    assert support_console.post(f"/console/tenants/{tenant.uuid}/reactivate/").status_code == 302
    tenant.refresh_from_db()
    assert not tenant.is_suspended


@pytest.mark.parametrize("fixture", ["console", "super_console"])
@pytest.mark.parametrize("action", sorted(access.ACTIONS))
def test_admin_and_superuser_may_do_everything(request, make_tenant, fixture, action):
    client = request.getfixturevalue(fixture)
    tenant = make_tenant()
    for method, url, data in _requests(tenant)[action]:
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), (url, response.status_code, response.content[:500])
    if action == access.TENANT_DELETE:
        assert not Tenant.objects.filter(pk=tenant.pk).exists() and not schema_exists(tenant.schema_name)
    if action == access.TENANT_CREATE:
        assert Tenant.objects.filter(slug="role-test").exists()


def test_support_pages_show_only_what_support_may_do(support_console, console, site_a):
    url = f"/console/tenants/{site_a.tenant.uuid}/"
    support_page = support_console.get(url).content.decode()
    assert "/suspend/" in support_page
    for hidden in ("/delete/", "/domains/add/", "/plan/"):
        assert hidden not in support_page, hidden
    admin_page = console.get(url).content.decode()
    for shown in ("/suspend/", "/delete/", "/domains/add/", "/plan/"):
        assert shown in admin_page, shown
    assert "/console/tenants/new/" not in support_console.get("/console/").content.decode()
    assert "/console/tenants/new/" in console.get("/console/").content.decode()
    plans = support_console.get("/console/plans/").content.decode()
    assert "/console/plans/new/" not in plans and "/edit/" not in plans
    plans = console.get("/console/plans/").content.decode()
    assert "/console/plans/new/" in plans and "/console/plans/starter/edit/" in plans


@pytest.mark.parametrize("password", ["", "wrong-password-123", PASSWORD.upper()])
def test_deletion_with_a_wrong_password_is_a_form_error_and_deletes_nothing(console, make_tenant, password):
    tenant = make_tenant()
    response = console.post(f"/console/tenants/{tenant.uuid}/delete/", {"confirmation": tenant.slug, "password": password})
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert Tenant.objects.filter(pk=tenant.pk).exists() and schema_exists(tenant.schema_name)


def test_deletion_needs_both_the_password_and_the_typed_subdomain(console, make_tenant):
    tenant = make_tenant()
    url = f"/console/tenants/{tenant.uuid}/delete/"
    assert 'type="password"' in console.get(url).content.decode()
    assert console.post(url, {"confirmation": "nope", "password": PASSWORD}).status_code == 400
    assert console.post(url, {"confirmation": tenant.slug}).status_code == 400
    assert Tenant.objects.filter(pk=tenant.pk).exists()
    assert console.post(url, {"confirmation": tenant.slug, "password": PASSWORD}).status_code == 302
    assert not Tenant.objects.filter(pk=tenant.pk).exists()


def test_staff_user_in_no_group_is_support_and_non_staff_is_nothing(db):
    staff = User.objects.create_user(username="s@x.test", password=PASSWORD, is_staff=True)
    plain = User.objects.create_user(username="p@x.test", password=PASSWORD)
    assert access.operator_role(staff) == access.SUPPORT
    assert access.operator_role(plain) is None


def test_role_groups_exist_after_migrations(db):
    assert set(Group.objects.filter(name__in=access.ROLE_GROUPS.values()).values_list("name", flat=True)) == set(
        access.ROLE_GROUPS.values())


@pytest.mark.parametrize("options, role", [
    ({"role": "support"}, "support"), ({"role": "admin"}, "admin"), ({"superuser": True}, "admin"), ({}, "support"),
])
def test_create_operator_role(options, role):
    call_command("create_operator", email="r@educrowd.test", password=PASSWORD, **options)
    user = User.objects.get(username="r@educrowd.test")
    assert access.operator_role(user) == role


def test_create_operator_changes_role_only_when_asked():
    call_command("create_operator", email="r@educrowd.test", password=PASSWORD, role="admin")
    call_command("create_operator", email="r@educrowd.test", password="another-pass-phrase-9")
    assert access.operator_role(User.objects.get(username="r@educrowd.test")) == "admin"
    call_command("create_operator", email="r@educrowd.test", password="another-pass-phrase-9", role="support")
    user = User.objects.get(username="r@educrowd.test")
    assert access.operator_role(user) == "support"
    assert list(user.groups.values_list("name", flat=True)) == [access.ROLE_GROUPS["support"]]
