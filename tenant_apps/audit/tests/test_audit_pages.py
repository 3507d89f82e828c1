"""The audit pages and API: admins only, their own institution only, filters, read-only."""
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from tenant_apps.accounts import services as account_services
from tenant_apps.accounts.roles import Role
from tenants import services as tenant_services


def _role_change(site, admin, role=Role.INSTRUCTOR):
    member = site.make_user(role="learner")
    with site:
        account_services.user_set_role(user=member, role=role, actor=admin)
    return member


def test_admin_sees_and_filters_the_audit_page(site_a, admin_a):
    member = _role_change(site_a, admin_a)
    client = site_a.client(admin_a)
    response = client.get("/manage/audit/", {"action": "user.role_change", "target": member.email})
    assert response.status_code == 200
    body = response.content.decode()
    assert member.email in body and "user.role_change" in body and "learner → instructor" in body
    assert 'href="/manage/audit/"' in client.get("/manage/users/").content.decode()
    assert member.email not in client.get("/manage/audit/", {"action": "course."}).content.decode()
    assert member.email not in client.get("/manage/audit/", {"date_to": "2000-01-01"}).content.decode()
    assert client.get("/manage/audit/", {"date_from": "not-a-date"}).status_code == 400
    assert client.post("/manage/audit/").status_code == 405


def test_non_admins_cannot_read_the_audit_log(site_a):
    for role in ("learner", "instructor", "teaching_assistant"):
        client = site_a.client(site_a.make_user(role=role))
        assert client.get("/manage/audit/").status_code in (403, 404)
        assert client.get("/api/v1/manage/audit").status_code in (403, 404)
    assert site_a.client().get("/api/v1/manage/audit").status_code in (401, 403)


def test_one_institution_never_sees_the_other_ones_entries(site_a, site_b, admin_a, admin_b):
    member_a = _role_change(site_a, admin_a)
    member_b = _role_change(site_b, admin_b)
    body_b = site_b.client(admin_b).get("/manage/audit/").content.decode()
    assert member_b.email in body_b and member_a.email not in body_b
    api_b = site_b.client(admin_b).get("/api/v1/manage/audit")
    assert api_b.status_code == 200
    labels = [e["target_label"] for e in api_b.json()["results"]]
    assert member_b.email in labels and member_a.email not in labels
    # site_b's admin (a session of globex) on acme's host: not signed in there, gets nothing.
    foreign = Client(HTTP_HOST=site_a.host)
    foreign.cookies = site_b.client(admin_b).cookies
    assert foreign.get("/api/v1/manage/audit").status_code in (401, 403)
    assert member_a.email not in foreign.get("/manage/audit/").content.decode()


def test_api_lists_entries_with_filters_and_is_read_only(site_a, admin_a):
    member = _role_change(site_a, admin_a)
    client = site_a.client(admin_a)
    response = client.get("/api/v1/manage/audit", {"action": "user.role_change", "target": member.email})
    assert response.status_code == 200
    [entry] = response.json()["results"]
    assert entry["actor_email"] == admin_a.email
    assert (entry["before"], entry["after"]) == ({"role": "learner"}, {"role": "instructor"})
    assert client.get("/api/v1/manage/audit", {"date_from": "nope"}).status_code == 400
    assert client.post("/api/v1/manage/audit", {}).status_code == 405
    assert client.delete("/api/v1/manage/audit").status_code == 405


def test_console_audit_page_lists_operator_actions_for_operators_only(site_b, db):
    operator = User.objects.create_user(username="ops-audit@educrowd.test", email="ops-audit@educrowd.test",
                                        password="x-very-long-password-1", is_staff=True)
    plain = User.objects.create_user(username="plain-audit@educrowd.test", password="x-very-long-password-1")
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(operator)
    client.post(f"/console/tenants/{site_b.tenant.uuid}/suspend/", {"reason": "unpaid invoices"})
    response = client.get("/console/audit/", {"action": "tenant.suspend", "tenant": site_b.tenant.schema_name})
    assert response.status_code == 200
    body = response.content.decode()
    assert "tenant.suspend" in body and "unpaid invoices" in body and operator.email in body
    tenant_services.tenant_reactivate(tenant=site_b.tenant)
    outsider = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    outsider.force_login(plain)
    assert outsider.get("/console/audit/").status_code == 403
    assert Client(HTTP_HOST=settings.PLATFORM_DOMAIN).get("/console/audit/").status_code == 302
    # Not on an institution's host: the console's audit page is a public-domain URL only.
    assert site_b.client().get("/console/audit/").status_code == 404
