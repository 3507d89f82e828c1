"""Institutions get paid: Connect Express onboarding from the Billing page, state from `account.updated`."""
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from billing import api as billing_api
from billing import gateway, webhooks
from billing.models import ConnectedAccount, StripeEvent
from billing.testing import connected_account_make, webhook_post

pytestmark = pytest.mark.django_db

PAGE, CONNECT, REFRESH = "/manage/billing/", "/manage/billing/connect", "/manage/billing/connect/refresh"


def _accounts(fake) -> list[dict]:
    return [o for o in fake.objects.values() if o["object"] == "account"]


def _deliver(public_client, *events) -> list[str]:
    """POST each event to the Connect endpoint, signed, then process what was stored."""
    for event in events:
        assert webhook_post(public_client, event, source="connect").status_code == 200
    return [webhooks.event_process(row.pk) for row in StripeEvent.objects.filter(
        stripe_id__in=[e["id"] for e in events]).order_by("received_at")]


def _connect(site, admin, fake) -> str:
    response = site.client(admin).post(CONNECT)
    assert response.status_code == 302, response.content
    return ConnectedAccount.objects.get(tenant=site.tenant).stripe_account_id


def test_page_shows_not_connected_with_the_connect_button(site_a, admin_a, stripe_fake):
    html = site_a.client(admin_a).get(PAGE).content.decode()
    assert "Get paid" in html and "Not connected" in html and "Connect with Stripe" in html
    assert not stripe_fake.requests  # showing the page asks Stripe nothing


def test_connect_creates_the_account_once_and_sends_the_admin_to_onboarding(site_a, admin_a, stripe_fake):
    client = site_a.client(admin_a)
    first = client.post(CONNECT)
    second = client.post(CONNECT)  # clicked twice (or back and again)
    assert first.status_code == second.status_code == 302
    assert first["Location"].startswith("https://simulator.test/connect/acct_")
    assert [a["id"] for a in _accounts(stripe_fake)] == [ConnectedAccount.objects.get(tenant=site_a.tenant).stripe_account_id]
    remote = _accounts(stripe_fake)[0]
    assert (remote["type"], remote["country"], remote["default_currency"]) == ("express", "US", "usd")
    assert remote["metadata"] == {"tenant_id": str(site_a.tenant.pk), "tenant_schema": site_a.tenant.schema_name}
    creates = [r for r in stripe_fake.requests if r["path"] == "/v1/accounts" and r["method"] == "POST"]
    assert len(creates) == 1 and creates[0]["idempotency_key"] == f"tenant-{site_a.tenant.pk}-connect-account"
    assert remote["_return_url"].endswith("/manage/billing/?connect=return")
    assert remote["_refresh_url"].endswith("/manage/billing/connect/refresh")
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="billing.connect_account_create").count() == 1
    html = client.get(PAGE + "?connect=return").content.decode()
    assert "Onboarding not finished" in html and "Continue onboarding" in html and "Checking your details with Stripe" in html
    assert "external account" in html  # what Stripe still needs


def test_refresh_route_makes_a_new_link_and_never_creates_an_account(site_a, admin_a, stripe_fake):
    client = site_a.client(admin_a)
    response = client.get(REFRESH, follow=True)
    assert response.redirect_chain[0] == (PAGE, 302) and "Start with “Connect with Stripe”." in response.content.decode()
    assert not _accounts(stripe_fake)
    client.post(CONNECT)
    links = len([r for r in stripe_fake.requests if r["path"] == "/v1/account_links"])
    response = client.get(REFRESH)
    assert response.status_code == 302 and response["Location"].startswith("https://simulator.test/connect/acct_")
    assert len([r for r in stripe_fake.requests if r["path"] == "/v1/account_links"]) == links + 1
    assert len(_accounts(stripe_fake)) == 1


def test_account_updated_marks_the_account_ready_and_audits_it(site_a, admin_a, public_client, stripe_fake):
    account_id = _connect(site_a, admin_a, stripe_fake)
    assert not billing_api.connect_account_ready(site_a.tenant)
    stripe_fake.account_onboard(account_id)
    event = stripe_fake.events_of("account.updated")[-1]
    assert _deliver(public_client, event) == ["done"]
    assert StripeEvent.objects.get(stripe_id=event["id"]).tenant_schema == site_a.tenant.schema_name
    account = ConnectedAccount.objects.get(stripe_account_id=account_id)
    assert (account.charges_enabled, account.payouts_enabled, account.details_submitted, account.requirements_due) == (
        True, True, True, [])
    assert billing_api.connect_account_ready(site_a.tenant) and billing_api.connect_account_for(site_a.tenant) == account
    billing_api.sale_ready_check(site_a.tenant)  # no longer raises
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        entry = AuditEntry.objects.get(action="billing.connect_charges_enabled")
        assert entry.after == {"charges_enabled": True, "payouts_enabled": True}
    html = site_a.client(admin_a).get(PAGE).content.decode()
    assert "Ready" in html and "payments and payouts enabled" in html and "Continue onboarding" not in html


def test_events_out_of_order_converge_on_stripes_current_state(site_a, admin_a, public_client, stripe_fake):
    account_id = _connect(site_a, admin_a, stripe_fake)
    stripe_fake.account_onboard(account_id, complete=False)  # details submitted, something missing
    stripe_fake.account_onboard(account_id, complete=True)
    older, newer = stripe_fake.events_of("account.updated")[-2:]
    assert older["data"]["object"]["charges_enabled"] is False
    assert _deliver(public_client, newer, older) == ["done", "done"]  # the older one arrives last
    account = ConnectedAccount.objects.get(stripe_account_id=account_id)
    assert account.charges_enabled and account.requirements_due == []
    # a redelivery changes nothing and audits nothing more
    assert webhook_post(public_client, older, source="connect").json()["duplicate"] is True
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action__startswith="billing.connect_charges").count() == 1


def test_under_review_then_disabled_is_audited(site_a, admin_a, public_client, stripe_fake):
    account_id = _connect(site_a, admin_a, stripe_fake)
    stripe_fake.account_onboard(account_id, complete=False)
    _deliver(public_client, stripe_fake.events_of("account.updated")[-1])
    html = site_a.client(admin_a).get(PAGE).content.decode()
    assert "Under review" in html and "Continue onboarding" in html
    stripe_fake.account_onboard(account_id)
    _deliver(public_client, stripe_fake.events_of("account.updated")[-1])
    stripe_fake.objects[account_id].update(charges_enabled=False, payouts_enabled=False,
                                           requirements={"past_due": ["individual.verification.document"]})
    stripe_fake._event("account.updated", stripe_fake.objects[account_id], account=account_id)
    _deliver(public_client, stripe_fake.events_of("account.updated")[-1])
    account = ConnectedAccount.objects.get(stripe_account_id=account_id)
    assert not account.charges_enabled and account.requirements_due == ["individual.verification.document"]
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        assert list(AuditEntry.objects.filter(action__startswith="billing.connect_charges")
                    .order_by("created_at", "id").values_list("action", flat=True)) == [
            "billing.connect_charges_enabled", "billing.connect_charges_disabled"]


def test_unknown_account_and_platform_source_change_nothing(site_a, public_client, stripe_fake):
    stranger = gateway.account_create(email="x@y.test", country="US", currency="USD", metadata={}, idempotency="stranger")
    stripe_fake.account_onboard(stranger.id)
    event = stripe_fake.events_of("account.updated")[-1]
    assert _deliver(public_client, event) == ["done"]
    assert StripeEvent.objects.get(stripe_id=event["id"]).tenant_schema == ""
    assert not ConnectedAccount.objects.exists()
    # the same event type on the platform endpoint is about the platform's own account
    account = connected_account_make(site_a.tenant, ready=False, stripe_account_id=stranger.id)
    platform_event = dict(event, id="evt_platform_copy")
    platform_event.pop("account")
    assert webhook_post(public_client, platform_event, source="platform").status_code == 200
    webhooks.event_process(StripeEvent.objects.get(stripe_id="evt_platform_copy").pk)
    account.refresh_from_db()
    assert not account.charges_enabled


def test_stripe_down_is_a_message_not_a_500(site_a, admin_a, stripe_fake):
    class Down(gateway.stripe.HTTPClient):
        name = "down"

        def request(self, *args, **kwargs):
            raise gateway.stripe.APIConnectionError("connection refused")

        def close(self):
            pass

    gateway.http_client_use(Down())
    response = site_a.client(admin_a).post(CONNECT, follow=True)
    assert response.status_code == 200 and "Stripe is unavailable right now; nothing was changed." in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_non_admins_get_403_and_anonymous_visitors_the_login_page(site_a, stripe_fake):
    for role in ("learner", "instructor"):
        client = site_a.client(site_a.make_user(role))
        assert client.get(PAGE).status_code == 403
        assert client.post(CONNECT).status_code == 403
        assert client.get(REFRESH).status_code == 403
    anonymous = Client(HTTP_HOST=site_a.host)
    for response in (anonymous.post(CONNECT), anonymous.get(REFRESH)):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not stripe_fake.requests and not ConnectedAccount.objects.exists()


def test_foreign_tenant_cannot_see_or_act_on_the_connect_section(site_a, site_b, admin_a, admin_b, stripe_fake):
    connected_account_make(site_b.tenant, stripe_account_id="acct_globex_secret")
    html = site_a.client(admin_a).get(PAGE).content.decode()
    assert "Not connected" in html and "acct_globex_secret" not in html and "Ready" not in html
    client = site_b.client(admin_b)
    client.defaults["HTTP_HOST"] = site_a.host  # B's session cookie presented on A's host
    for response in (client.get(PAGE), client.post(CONNECT), client.get(REFRESH)):
        assert response.status_code in (302, 403, 404)
        assert b"acct_globex_secret" not in response.content
    assert not stripe_fake.requests
    assert not ConnectedAccount.objects.filter(tenant=site_a.tenant).exists()
    # B's own onboarding never touches A's row, and A's check stays refused
    with pytest.raises(ValidationError):
        billing_api.sale_ready_check(site_a.tenant)


def test_sale_ready_check_says_what_to_do(site_a):
    with pytest.raises(billing_api.SaleNotReady) as refused:
        billing_api.sale_ready_check(site_a.tenant)
    assert refused.value.code == "payouts_not_ready"
    assert refused.value.messages[0].startswith("Connect a Stripe account on the Billing page before selling courses")
    assert "/manage/billing/" in refused.value.messages[0]
    connected_account_make(site_a.tenant, ready=False)
    with pytest.raises(billing_api.SaleNotReady, match="onboarding not finished"):
        billing_api.sale_ready_check(site_a.tenant)
    connected_account_make(site_a.tenant)
    billing_api.sale_ready_check(site_a.tenant)


def test_demo_institutions_get_a_ready_account_only_without_real_keys(site_a, settings):
    from billing.demo import demo_connected_account
    from tenants.bootstrap import TenantBootstrap

    boot = TenantBootstrap(tenant=site_a.tenant, admin_email="a@b.test", admin_password=None, demo=True, existing=True)
    settings.STRIPE_SECRET_KEY = "sk_live_real"
    demo_connected_account(boot)
    assert not billing_api.connect_account_ready(site_a.tenant)
    settings.STRIPE_SECRET_KEY = ""
    demo_connected_account(boot)
    demo_connected_account(boot)
    assert billing_api.connect_account_ready(site_a.tenant)
    with tenant_context(site_a.tenant):
        assert ConnectedAccount.objects.get(tenant=site_a.tenant).stripe_account_id == "acct_demo_acme"
