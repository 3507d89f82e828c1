"""The public site: landing page, "Start your institution" with the hand-off to the new site,
and host routing (health probes everywhere, unknown hosts never fall back to a tenant)."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from billing.models import Plan
from billing.selectors import tenant_plan
from conftest import PASSWORD
from tenants.models import Domain, Tenant

from tenants.tests.helpers import schema_of

pytestmark = pytest.mark.django_db

ADMIN_PASSWORD = "violet-harbour-ninety-kites"


def _text(response) -> str:
    return unescape(response.content.decode())


def _form(**overrides) -> dict:
    data = {
        "name": "Initech University",
        "slug": "initech",
        "admin_first_name": "Peter",
        "admin_last_name": "Gibbons",
        "admin_email": "Peter@Initech.Test",
        "admin_password": ADMIN_PASSWORD,
        "plan": Plan.objects.get(code="pro").pk,
    }
    data.update(overrides)
    return data


def _signed_in_as(client) -> str | None:
    match = re.search(r"You are signed in as <strong>([^<]+)</strong>", client.get("/").content.decode())
    return unescape(match.group(1)) if match else None


# --- landing -----------------------------------------------------------------------------------

def test_landing_lists_active_plans_only(public_client):
    Plan.objects.create(code="legacy", name="Legacy Gold", price_amount=9900, is_active=False)
    response = public_client.get("/")
    assert response.status_code == 200
    page = _text(response)
    assert "Starter" in page and "Pro" in page
    assert "49.00 USD / month" in page and "Free" in page
    assert "Legacy Gold" not in page
    assert "Start your institution" in page


def test_signup_page_offers_active_plans(public_client):
    Plan.objects.create(code="legacy", name="Legacy Gold", price_amount=9900, is_active=False)
    response = public_client.get("/start/")
    assert response.status_code == 200
    page = _text(response)
    assert "Starter" in page and "Pro" in page and "Legacy Gold" not in page
    legacy = Plan.objects.get(code="legacy")
    response = public_client.post("/start/", _form(plan=legacy.pk))
    assert response.status_code == 400
    assert "plan" in response.context["form"].errors
    assert not Tenant.objects.filter(slug="initech").exists()


# --- "Start your institution" ------------------------------------------------------------------------

def _verify_link(email_to: str = "peter@initech.test") -> str:
    from django.core import mail

    message = [m for m in mail.outbox if email_to in [t.lower() for t in m.to]][-1]
    return re.search(r"http://[^\s]+/start/verify/[^\s]+/", message.body).group(0)


def test_signup_creates_pending_institution_and_emails_the_admin(public_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post("/start/", _form())
    assert response.status_code == 200
    assert "Check your email to activate Initech University" in _text(response)

    tenant = Tenant.objects.get(slug="initech")
    assert tenant.status == Tenant.Status.PENDING
    assert tenant.name == "Initech University"
    assert tenant_plan(tenant=tenant).code == "pro"
    assert tenant.schema_name.startswith("t_initech_")
    assert schema_exists(tenant.schema_name)
    assert Domain.objects.get(tenant=tenant, is_primary=True).domain == "initech.localhost"
    with tenant_context(tenant):
        admin = User.objects.get(username="peter@initech.test")
        assert [g.name for g in admin.groups.all()] == ["tenant_admin"]
        assert admin.check_password(ADMIN_PASSWORD)
        assert admin.get_full_name() == "Peter Gibbons"
    connection.set_schema_to_public()
    assert urlsplit(_verify_link()).netloc == "localhost"


def test_pending_site_is_refused_page_and_api(public_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form())
    site = Client(HTTP_HOST="initech.localhost")
    page = site.get("/accounts/login/")
    assert page.status_code == 403
    assert "waiting for its administrator to confirm their email" in _text(page)
    assert site.post("/accounts/login/", {"username": "peter@initech.test", "password": ADMIN_PASSWORD}).status_code == 403
    api = site.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "tenant_pending"


def test_verify_link_activates_and_signs_in(public_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form())
    link = urlsplit(_verify_link())
    response = public_client.get(link.path)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert (target.scheme, target.netloc, target.path) == ("http", "initech.localhost", "/accounts/handoff/")
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.status == Tenant.Status.ACTIVE

    site = Client(HTTP_HOST=target.netloc)
    response = site.get(f"{target.path}?{target.query}")
    assert response.status_code == 302 and response["Location"] == "/"
    home = site.get("/")
    assert "peter@initech.test" in _text(home)
    assert "Initech University" in _text(home)

    # The hand-off link works once; the verification link too.
    again = Client(HTTP_HOST=target.netloc)
    again.get(f"{target.path}?{target.query}")
    assert _signed_in_as(again) is None
    used = public_client.get(link.path)
    assert used.status_code == 400
    assert "already been used" in _text(used)
    fresh = Client(HTTP_HOST=target.netloc)
    assert fresh.post("/accounts/login/", {"username": "peter@initech.test", "password": ADMIN_PASSWORD}).status_code == 302


def test_verify_is_audited(public_client, django_capture_on_commit_callbacks):
    from tenants.audit import _store

    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form())
    public_client.get(urlsplit(_verify_link()).path)
    tenant = Tenant.objects.get(slug="initech")
    assert _store().objects.filter(action="tenant.activate").exists()
    assert tenant.status == Tenant.Status.ACTIVE


@pytest.mark.parametrize("token", ["garbage", "eyJ0IjoieCJ9:1abc:def", "a" * 300])
def test_bad_verify_token_is_400(public_client, token):
    response = public_client.get(f"/start/verify/{token}/")
    assert response.status_code == 400
    assert "invalid or has expired" in _text(response)


def test_expired_verify_token_is_400(public_client, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form())
    link = urlsplit(_verify_link())
    settings.SIGNUP_PENDING_HOURS = 0
    response = public_client.get(link.path)
    assert response.status_code == 400
    assert "expired" in _text(response)
    assert Tenant.objects.get(slug="initech").status == Tenant.Status.PENDING


def test_verify_token_of_another_tenant_type_is_refused(public_client, site_a):
    # A hand-off token (other salt) is not a verification token.
    from tenants.api import handoff_token_make

    acme = Tenant.objects.get(slug="acme")
    token = handoff_token_make(tenant_uuid=str(acme.uuid), user_id=1)
    assert public_client.get(f"/start/verify/{token}/").status_code == 400
    # A verification token for an active tenant does nothing.
    from tenants.api import activation_token_make

    token = activation_token_make(tenant_uuid=str(acme.uuid), user_id=1)
    assert public_client.get(f"/start/verify/{token}/").status_code == 400
    assert Tenant.objects.get(slug="acme").status == Tenant.Status.ACTIVE


def test_handoff_link_is_void_on_another_institution(public_client, site_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form())
    response = public_client.get(urlsplit(_verify_link()).path)
    target = urlsplit(response["Location"])
    client = site_a.client()  # acme's admin has the same numeric id as the new admin
    response = client.get(f"{target.path}?{target.query}")
    assert response["Location"] == "/accounts/login/"
    assert _signed_in_as(client) is None


@pytest.mark.parametrize("slug", ["www", "admin", "api", "console", "static", "public", "tenant-template"])
def test_reserved_subdomains_are_refused(public_client, slug):
    before = Tenant.objects.count()
    response = public_client.post("/start/", _form(slug=slug))
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors
    assert Tenant.objects.count() == before
    assert not schema_of(slug)


@pytest.mark.parametrize("slug", ["Bad_Slug", "with space", "dot.ted", "ünï", "-dash", "dash-", "ab", "a" * 41, "x/../y"])
def test_invalid_subdomains_are_refused(public_client, slug):
    before = Tenant.objects.count()
    response = public_client.post("/start/", _form(slug=slug))
    assert response.status_code == 400
    assert "slug" in response.context["form"].errors
    assert Tenant.objects.count() == before


@pytest.mark.parametrize("slug", ["acme", "ACME", " acme "])
def test_taken_subdomain_is_refused(public_client, slug):
    before = Tenant.objects.count()
    response = public_client.post("/start/", _form(slug=slug, admin_email="admin@acme.test"))
    assert response.status_code == 400
    assert "already taken" in " ".join(response.context["form"].errors["slug"])
    assert Tenant.objects.count() == before
    acme = Tenant.objects.get(slug="acme")
    assert acme.name == "Acme Academy"


@pytest.mark.parametrize("password", ["password1", "short", "12345678901234", "peter@initech.test"])
def test_weak_admin_password_is_refused(public_client, password):
    response = public_client.post("/start/", _form(admin_password=password))
    assert response.status_code == 400
    assert "admin_password" in response.context["form"].errors
    assert not Tenant.objects.filter(slug="initech").exists()
    assert not schema_of("initech")


@pytest.mark.parametrize("field", ["name", "admin_first_name", "admin_last_name", "admin_email", "admin_password"])
def test_missing_fields_are_refused(public_client, field):
    response = public_client.post("/start/", _form(**{field: ""}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Tenant.objects.filter(slug="initech").exists()


def test_overlong_admin_email_is_a_form_error(public_client):
    # auth_user.username holds 150 characters; a longer address must not reach the database.
    email = "x" * 140 + "@initech.test"
    response = public_client.post("/start/", _form(admin_email=email))
    assert response.status_code == 400
    assert "admin_email" in response.context["form"].errors
    assert not Tenant.objects.filter(slug="initech").exists()


# --- host routing and health probes ------------------------------------------------------------------

HOSTS = ["localhost", "acme.localhost", "nobody.localhost"]


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_probes_answer_on_every_host(host, path):
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"


def test_readyz_reports_its_checks():
    body = Client(HTTP_HOST="nobody.localhost").get("/readyz").json()
    assert body["checks"] == {"database": "ok", "redis": "ok"}


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/start/", "/manage/users/", "/console/"])
def test_unknown_host_page_is_404_and_shows_no_tenant(site_a, site_b, path):
    response = Client(HTTP_HOST="nobody.localhost").get(path)
    assert response.status_code == 404
    page = _text(response)
    assert "No site at this address" in page
    assert "nobody.localhost" in page
    for foreign in ("Acme Academy", "Globex Institute", "Log in", "Start your institution"):
        assert foreign not in page


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/auth/token", "/api/v1/schema/"])
def test_unknown_host_api_is_json_404(path):
    client = Client(HTTP_HOST="nobody.localhost")
    for response in (client.get(path), client.post(path, {"email": "admin@acme.test", "password": PASSWORD},
                                                 content_type="application/json")):
        assert response.status_code == 404
        assert response.json() == {"message": "Not found.", "code": "unknown_host"}


def test_unknown_host_does_not_accept_a_tenant_session(site_a, admin_a):
    with site_a:
        client = site_a.client(admin_a)
    response = client.get("/", HTTP_HOST="nobody.localhost")
    assert response.status_code == 404
    assert "admin@acme.test" not in _text(response)


def test_template_schema_never_serves():
    Domain.objects.create(domain="tpl.localhost", tenant=Tenant.objects.get(is_template=True), is_primary=False)
    response = Client(HTTP_HOST="tpl.localhost").get("/")
    assert response.status_code == 404
    assert "No site at this address" in _text(response)


def test_signup_shows_the_real_platform_domain(public_client):
    from django.conf import settings

    page = _text(public_client.get("/start/"))
    assert "<platform domain>" not in page and "<subdomain>" not in page
    assert f"your-subdomain.{settings.PLATFORM_DOMAIN}" in page


# --- sign-up throttle (issue 6, defect 6) -------------------------------------------------------

def test_signup_is_throttled_per_client_ip(public_client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 1
    settings.SIGNUP_THROTTLE_GLOBAL = 100
    assert public_client.post("/start/", _form(slug="initech"), REMOTE_ADDR="10.0.0.1").status_code == 200
    response = public_client.post("/start/", _form(slug="initrode", admin_email="bill@initrode.test"),
                                  REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many institutions have been started recently" in _text(response)
    assert not Tenant.objects.filter(slug="initrode").exists()
    # Another client is not affected, and the page itself still opens.
    assert public_client.get("/start/", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert public_client.post("/start/", _form(slug="initrode", admin_email="bill@initrode.test"),
                              REMOTE_ADDR="10.0.0.2").status_code == 200


def test_signup_is_throttled_platform_wide(public_client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 100
    settings.SIGNUP_THROTTLE_GLOBAL = 1
    assert public_client.post("/start/", _form(slug="initech"), REMOTE_ADDR="10.0.0.1").status_code == 200
    response = public_client.post("/start/", _form(slug="initrode", admin_email="bill@initrode.test"),
                                  REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert not Tenant.objects.filter(slug="initrode").exists()


def test_invalid_signup_forms_do_not_use_up_the_allowance(public_client, settings):
    settings.SIGNUP_THROTTLE_PER_IP = 1
    for _ in range(3):
        assert public_client.post("/start/", _form(slug="-bad-")).status_code == 400
    assert public_client.post("/start/", _form()).status_code == 200


def test_signup_chooses_the_currency_and_country_new_prices_use(public_client, django_capture_on_commit_callbacks):
    bad = public_client.post("/start/", _form(currency="XYZ", country="Narnia"))
    assert bad.status_code == 400 and not Tenant.objects.filter(slug="initech").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert public_client.post("/start/", _form(currency="JPY", country="jp")).status_code == 200
    tenant = Tenant.objects.get(slug="initech")
    assert (tenant.currency, tenant.country) == ("JPY", "JP")
    from django_tenants.utils import tenant_context as in_tenant

    from lms.courses import services as course_services

    with in_tenant(tenant):
        admin = User.objects.get(username="peter@initech.test")
        assert course_services.course_create(author=admin, title="Tea ceremony").price_currency == "JPY"
    connection.set_schema_to_public()


def test_signup_sets_the_time_zone_and_refuses_an_unknown_one(public_client, django_capture_on_commit_callbacks):
    bad = public_client.post("/start/", _form(time_zone="Atlantis/Capital"))
    assert bad.status_code == 400 and "Select a valid choice" in _text(bad)
    assert not Tenant.objects.filter(slug="initech").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert public_client.post("/start/", _form(time_zone="Asia/Tokyo")).status_code == 200
    assert Tenant.objects.get(slug="initech").time_zone == "Asia/Tokyo"
    with django_capture_on_commit_callbacks(execute=True):
        public_client.post("/start/", _form(slug="initech-two", admin_email="other@initech.test"))
    assert Tenant.objects.get(slug="initech-two").time_zone == "UTC"  # not chosen: UTC
