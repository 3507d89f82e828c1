import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from billing.models import Plan
from billing.selectors import tenant_plan
from billing.services import tenant_plan_change
from conftest import PASSWORD
from tenants.models import Domain, Tenant

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [tenant.name for tenant, _ in response.context["rows"]]


# --- list --------------------------------------------------------------------------------


def test_list_shows_institutions_with_member_counts_but_not_template_or_public(console, site_a, site_b):
    site_a.make_user("learner")
    response = console.get("/console/")
    assert response.status_code == 200
    rows = {tenant.slug: members for tenant, members in response.context["rows"]}
    assert rows == {"acme": 2, "globex": 1}
    body = response.content.decode()
    assert "acme.localhost" in body and "Acme Academy" in body
    assert "Tenant template" not in body and "EduCrowd platform" not in body


@pytest.mark.parametrize("query,expected", [
    ("acme", ["Acme Academy"]),
    ("GLOBEX", ["Globex Institute"]),
    ("institute", ["Globex Institute"]),
    ("globex.localhost", ["Globex Institute"]),
    ("template", []),
    ("zzz", []),
])
def test_list_search_by_name_slug_or_domain(console, site_a, site_b, query, expected):
    assert _names(console.get("/console/", {"q": query})) == expected


def test_list_search_finds_custom_domains(console, site_b):
    Domain.objects.create(domain="learn.globex-corp.example", tenant=site_b.tenant, is_primary=False)
    assert _names(console.get("/console/", {"q": "globex-corp"})) == ["Globex Institute"]


def test_list_filters_by_status_and_plan(console, site_a, site_b):
    site_b.tenant.status = Tenant.Status.SUSPENDED
    tenant_plan_change(tenant=site_b.tenant, plan=Plan.objects.get(code="pro"))
    site_b.tenant.save()
    assert _names(console.get("/console/", {"status": "suspended"})) == ["Globex Institute"]
    assert _names(console.get("/console/", {"status": "active"})) == ["Acme Academy"]
    assert _names(console.get("/console/", {"plan": "pro"})) == ["Globex Institute"]
    assert _names(console.get("/console/", {"plan": "starter"})) == ["Acme Academy"]
    assert _names(console.get("/console/", {"plan": "pro", "status": "active"})) == []
    # an unknown filter value is ignored rather than breaking the page
    assert _names(console.get("/console/", {"status": "bogus"})) == ["Acme Academy", "Globex Institute"]


def test_list_paginates_by_25_with_bounded_queries(console, site_a, site_b, django_assert_max_num_queries):
    # Rows without schemas are enough to page through (and prove a missing schema is tolerated).
    for i in range(30):
        Tenant.objects.create(schema_name=f"t_bulk_{i:02d}", slug=f"bulk-{i:02d}", name=f"Bulk {i:02d}")
    with django_assert_max_num_queries(12):
        first = console.get("/console/")
    assert first.status_code == 200
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.count == 32
    second = console.get("/console/", {"page": 2})
    assert len(second.context["rows"]) == 7
    members = dict((t.slug, m) for t, m in first.context["rows"] + second.context["rows"])
    assert members["acme"] == 1 and members["bulk-00"] is None
    assert 'href="?page=2"' in first.content.decode()
    searched = console.get("/console/", {"q": "bulk"})
    assert searched.context["page"].paginator.count == 30
    assert 'href="?q=bulk&amp;page=2"' in searched.content.decode()  # filters survive paging


# --- create ------------------------------------------------------------------------------


def _create_data(**overrides):
    data = {
        "name": "Initech University", "slug": "initech", "plan": Plan.objects.get(code="pro").pk,
        "admin_first_name": "Bill", "admin_last_name": "Lumbergh", "admin_email": "Bill@Initech.test",
        "admin_password": "tps-reports-on-friday",
    }
    data.update(overrides)
    return data


def test_create_tenant_provisions_schema_domain_and_admin(console):
    response = console.post("/console/tenants/new/", _create_data())
    tenant = Tenant.objects.get(slug="initech")
    assert response.status_code == 302
    assert response["Location"] == f"/console/tenants/{tenant.uuid}/"
    assert tenant_plan(tenant=tenant).code == "pro"
    assert schema_exists(tenant.schema_name)
    assert list(tenant.domains.values_list("domain", "is_primary")) == [("initech.localhost", True)]
    with tenant_context(tenant):
        assert User.objects.get(username="bill@initech.test").check_password("tps-reports-on-friday")
    connection.set_schema_to_public()
    detail = console.get(response["Location"])
    assert "is ready at initech.localhost" in detail.content.decode()
    assert Client(HTTP_HOST="initech.localhost").get("/").status_code == 200


def test_create_tenant_with_taken_subdomain_is_a_form_error(console, site_a):
    response = console.post("/console/tenants/new/", _create_data(slug="acme"))
    assert response.status_code == 400
    assert "already taken" in response.content.decode()
    assert Tenant.objects.filter(slug="acme").count() == 1


@pytest.mark.parametrize("overrides,message", [
    ({"slug": "console"}, "reserved"),
    ({"slug": "Bad_Slug"}, "lowercase letters"),
    ({"name": ""}, "This field is required"),
    ({"admin_password": "short"}, "too short"),
    ({"admin_email": "not-an-email"}, "valid email"),
])
def test_create_tenant_invalid_input_is_400_and_creates_nothing(console, overrides, message):
    before = Tenant.objects.count()
    response = console.post("/console/tenants/new/", _create_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Tenant.objects.count() == before


def test_create_tenant_service_errors_land_on_the_form(console, monkeypatch):
    from django.core.exceptions import ValidationError

    from shared_apps.console import views

    def refuse(**kwargs):
        raise ValidationError({"email": "A member with this email address already exists."})

    monkeypatch.setattr(views, "tenant_create", refuse)
    response = console.post("/console/tenants/new/", _create_data())
    assert response.status_code == 400
    assert response.context["form"].errors["admin_email"] == ["A member with this email address already exists."]


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_the_institution(console, site_a):
    response = console.get(f"/console/tenants/{site_a.tenant.uuid}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Acme Academy" in body and "acme.localhost" in body and site_a.tenant.schema_name in body
    assert response.context["members"] == 1


def test_detail_of_unknown_template_or_public_tenant_is_404(console, public_tenant):
    import uuid

    template = Tenant.objects.get(is_template=True)
    for ident in (uuid.uuid4(), template.uuid, public_tenant.uuid):
        assert console.get(f"/console/tenants/{ident}/").status_code == 404
        assert console.post(f"/console/tenants/{ident}/suspend/").status_code == 404
    assert console.get("/console/tenants/not-a-uuid/").status_code == 404
    assert not Tenant.objects.get(is_template=True).is_suspended


# --- suspension --------------------------------------------------------------------------


def test_suspend_blocks_site_and_api_then_reactivate_restores(console, site_a, admin_a):
    url = f"/console/tenants/{site_a.tenant.uuid}/"
    response = console.post(url + "suspend/", {"reason": "Unpaid invoices"})
    assert response.status_code == 302 and response["Location"] == url
    site_a.tenant.refresh_from_db()
    assert site_a.tenant.is_suspended and site_a.tenant.suspension_reason == "Unpaid invoices"

    page = site_a.client().get("/")
    assert page.status_code == 403
    assert "suspended" in page.content.decode()
    api = site_a.client(admin_a).get("/api/v1/me")
    assert api.status_code == 403
    assert api.json()["code"] == "tenant_suspended" and "suspended" in api.json()["message"]
    # the other institution is untouched
    assert Client(HTTP_HOST="globex.localhost").get("/").status_code == 200
    detail = console.get(url).content.decode()
    assert "Unpaid invoices" in detail and "Reactivate" in detail

    assert console.post(url + "reactivate/").status_code == 302
    site_a.tenant.refresh_from_db()
    assert not site_a.tenant.is_suspended and site_a.tenant.suspended_at is None
    assert site_a.client().get("/").status_code == 200
    assert site_a.client(admin_a).get("/api/v1/me").status_code == 200


def test_console_posts_need_a_csrf_token(operator, site_a):
    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(operator, backend="tenant_apps.accounts.backends.EmailBackend")
    response = client.post(f"/console/tenants/{site_a.tenant.uuid}/suspend/", {"reason": "x"})
    assert response.status_code == 403
    site_a.tenant.refresh_from_db()
    assert not site_a.tenant.is_suspended


def test_suspend_and_reactivate_are_post_only(console, site_a):
    url = f"/console/tenants/{site_a.tenant.uuid}/"
    assert console.get(url + "suspend/").status_code == 405
    assert console.get(url + "reactivate/").status_code == 405
    site_a.tenant.refresh_from_db()
    assert not site_a.tenant.is_suspended


# --- domains -----------------------------------------------------------------------------


def test_custom_domain_add_routes_to_tenant_and_remove_stops_it(console, make_tenant):
    tenant = make_tenant(name="Domain Test College")
    url = f"/console/tenants/{tenant.uuid}/"
    host = Client(HTTP_HOST="learn.domaintest.example")
    assert host.get("/").status_code == 404

    response = console.post(url + "domains/add/", {"domain": " Learn.DomainTest.example. "})
    assert response.status_code == 302
    assert Domain.objects.get(domain="learn.domaintest.example").tenant == tenant
    home = host.get("/")
    assert home.status_code == 200 and "Domain Test College" in home.content.decode()

    response = console.post(url + "domains/remove/", {"domain": "learn.domaintest.example"})
    assert response.status_code == 302
    assert not Domain.objects.filter(domain="learn.domaintest.example").exists()
    assert host.get("/").status_code == 404


@pytest.mark.parametrize("domain,message", [
    ("not a domain", "valid domain"),
    ("other.localhost", "assigned by sign-up"),
    ("globex.localhost", "assigned by sign-up"),
    ("", "This field is required"),
])
def test_bad_custom_domains_are_form_errors(console, site_a, site_b, domain, message):
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/domains/add/", {"domain": domain})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(site_a.tenant.domains.values_list("domain", flat=True)) == ["acme.localhost"]


def test_domain_already_used_by_another_tenant_is_refused(console, site_a, site_b):
    Domain.objects.create(domain="shared.example.org", tenant=site_b.tenant, is_primary=False)
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/domains/add/", {"domain": "shared.example.org"})
    assert response.status_code == 400
    assert "already in use" in response.content.decode()
    assert Domain.objects.get(domain="shared.example.org").tenant == site_b.tenant


def test_primary_domain_cannot_be_removed(console, site_a):
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/domains/remove/", {"domain": "acme.localhost"}, follow=True)
    assert "primary domain cannot be removed" in response.content.decode()
    assert Domain.objects.filter(domain="acme.localhost").exists()


def test_another_tenants_domain_cannot_be_removed_through_this_one(console, site_a, site_b):
    Domain.objects.create(domain="learn.globex.example", tenant=site_b.tenant, is_primary=False)
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/domains/remove/", {"domain": "learn.globex.example"})
    assert response.status_code == 404
    assert Domain.objects.filter(domain="learn.globex.example").exists()


# --- plan change -------------------------------------------------------------------------


def test_change_plan(console, site_a):
    pro = Plan.objects.get(code="pro")
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/plan/", {"plan": pro.pk})
    assert response.status_code == 302
    site_a.tenant.refresh_from_db()
    assert tenant_plan(tenant=site_a.tenant) == pro
    console.post(f"/console/tenants/{site_a.tenant.uuid}/plan/", {"plan": ""})
    site_a.tenant.refresh_from_db()
    assert tenant_plan(tenant=site_a.tenant) is None


def test_change_plan_warns_when_members_exceed_the_limit(console, site_a):
    tiny = Plan.objects.create(code="tiny", name="Tiny", max_learners=1)
    site_a.make_user("learner")
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/plan/", {"plan": tiny.pk}, follow=True)
    assert "It has 2 active members, more than the plan" in response.content.decode()


def test_change_to_unknown_plan_is_refused(console, site_a):
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/plan/", {"plan": 999999})
    assert response.status_code == 400
    site_a.tenant.refresh_from_db()
    assert tenant_plan(tenant=site_a.tenant).code == "starter"


# --- delete ------------------------------------------------------------------------------


def test_delete_needs_the_subdomain_typed_then_drops_everything(console, make_tenant):
    tenant = make_tenant(slug="doomed-u")
    url = f"/console/tenants/{tenant.uuid}/delete/"
    page = console.get(url)
    assert page.status_code == 200 and "doomed-u" in page.content.decode()

    for wrong in ("doomed", "Doomed-U ", "acme", ""):
        response = console.post(url, {"confirmation": wrong, "password": PASSWORD})
        assert response.status_code == 400
        assert Tenant.objects.filter(pk=tenant.pk).exists()
        assert schema_exists(tenant.schema_name)

    response = console.post(url, {"confirmation": "doomed-u", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert not Tenant.objects.filter(pk=tenant.pk).exists()
    assert not Domain.objects.filter(domain="doomed-u.localhost").exists()
    assert not schema_exists(tenant.schema_name)
    assert Client(HTTP_HOST="doomed-u.localhost").get("/").status_code == 404
    assert console.get(url).status_code == 404
    # the others are untouched
    assert all(schema_exists(t.schema_name) for t in Tenant.objects.filter(slug__in=["acme", "globex"]))


def test_wrong_confirmation_error_names_the_subdomain(console, site_a):
    response = console.post(f"/console/tenants/{site_a.tenant.uuid}/delete/", {"confirmation": "globex", "password": PASSWORD})
    assert response.status_code == 400
    assert "Type the subdomain" in response.context["form"].errors["confirmation"][0]
    assert schema_exists(site_a.tenant.schema_name)


def test_get_on_the_delete_page_never_deletes(console, site_a):
    response = console.get(f"/console/tenants/{site_a.tenant.uuid}/delete/", {"confirmation": "acme"})
    assert response.status_code == 200
    assert Tenant.objects.filter(slug="acme").exists() and schema_exists(site_a.tenant.schema_name)
