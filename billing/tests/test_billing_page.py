"""The institution's Billing page: plan, usage bars, Checkout, state after the webhook, invoices."""
import pytest
from django.test import Client

from billing import webhooks
from billing.models import Plan, StripeEvent, Subscription
from billing.stripe_fake import CARD_SUCCEEDS
from billing.testing import webhook_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro():
    return Plan.objects.create(code="pro-page", name="Pro Page", price_amount=4900, price_yearly_amount=49000,
                               currency="USD", max_learners=3, max_courses=50)


def _client(site, user) -> Client:
    return site.client(user)


def test_admin_sees_plan_usage_and_plans(site_a, admin_a, stripe_fake, pro):
    response = _client(site_a, admin_a).get("/manage/billing/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Current plan" in html and "Pro Page" in html and "49.00 USD" in html and "490.00 USD" in html
    assert "<meter" in html and "Learners" in html and "Storage" in html


def test_learner_is_refused_and_anonymous_goes_to_login(site_a, stripe_fake):
    learner = site_a.make_user("learner")
    assert _client(site_a, learner).get("/manage/billing/").status_code == 403
    response = Client(HTTP_HOST=site_a.host).get("/manage/billing/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_choose_plan_goes_to_checkout_and_the_webhook_puts_it_on_the_page(site_a, admin_a, public_client, stripe_fake, pro):
    client = _client(site_a, admin_a)
    response = client.post("/manage/billing/plan", {"plan": pro.code, "interval": "year"})
    assert response.status_code == 302 and response["Location"].startswith("https://simulator.test/checkout/cs_")
    session_id = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert stripe_fake.objects[session_id]["success_url"].endswith("/manage/billing/?checkout=success")
    confirming = client.get("/manage/billing/?checkout=success").content.decode()
    assert "Confirming your subscription" in confirming
    stripe_fake.checkout_pay(session_id, CARD_SUCCEEDS)
    for event in stripe_fake.events:
        webhook_post(public_client, event)
    for row_id in StripeEvent.objects.values_list("pk", flat=True):
        webhooks.event_process(row_id)
    subscription = Subscription.objects.get(tenant=site_a.tenant)
    assert (subscription.plan, subscription.interval, subscription.status) == (pro, "year", "active")
    html = client.get("/manage/billing/").content.decode()
    assert "Current plan</strong>" in html and "490.00 USD" in html and "FAKE-" in html  # invoice row
    portal = client.post("/manage/billing/portal")
    assert portal.status_code == 302 and "/portal/bps_" in portal["Location"]


def test_unknown_plan_and_stripe_down_are_messages_not_500(site_a, admin_a, stripe_fake, pro):
    client = _client(site_a, admin_a)
    response = client.post("/manage/billing/plan", {"plan": "nope\x00", "interval": "month"}, follow=True)
    assert "Choose one of the plans listed." in response.content.decode()
    from billing import gateway

    class Down(gateway.stripe.HTTPClient):
        name = "down"

        def request(self, *args, **kwargs):
            raise gateway.stripe.APIConnectionError("connection refused")

        def close(self):
            pass

    gateway.http_client_use(Down())
    response = client.post("/manage/billing/plan", {"plan": pro.code, "interval": "month"}, follow=True)
    assert response.status_code == 200
    assert "Payments are unavailable right now; nothing was changed." in response.content.decode()
    assert Subscription.objects.get(tenant=site_a.tenant).plan != pro


def test_past_due_banner(site_a, admin_a, stripe_fake):
    from django.utils import timezone

    Subscription.objects.filter(tenant=site_a.tenant).update(status="past_due", past_due_since=timezone.now())
    html = _client(site_a, admin_a).get("/manage/billing/").content.decode()
    assert "Your last payment failed." in html


def test_foreign_admin_cannot_see_or_change_this_tenants_billing(site_a, site_b, admin_b, stripe_fake, pro):
    client = site_b.client(admin_b)
    client.defaults["HTTP_HOST"] = site_a.host  # B's session cookie presented on A's host
    response = client.get("/manage/billing/")
    assert response.status_code in (302, 403, 404)
    assert client.post("/manage/billing/plan", {"plan": pro.code}).status_code in (302, 403, 404)
    assert not stripe_fake.requests
