"""A backer pledges through the pages: setup-mode Checkout in the fake Stripe (nothing charged),
the signed webhook activates the pledge; expiry gives the place back; foreign sessions do nothing."""
from __future__ import annotations

import pytest

from billing.stripe_fake import CARD_SUCCEEDS
from billing.tests.commerce_helpers import deliver, session_id_of
from crowdfunding.models import Pledge
from crowdfunding.tests.helpers import campaign_make, tier_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=10_000)
        tier = tier_make(campaign=campaign, actor=admin_a, minimum=2_500, quantity=3)
    return campaign, tier


def test_visitor_is_sent_to_log_in_first(site_a, live):
    campaign, _ = live
    response = site_a.client().get(f"/campaigns/{campaign.slug}/pledge/")
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


def test_pledge_saves_a_card_and_charges_nothing(site_a, live, stripe_fake, public_client):
    campaign, tier = live
    backer = site_a.make_user("learner")
    client = site_a.client(backer)
    response = client.post(f"/campaigns/{campaign.slug}/pledge/", {"tier": str(tier.public_id), "amount": "30.00",
                                                                   "anonymous": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    assert url.startswith("https://simulator.test/checkout/cs_")
    session = stripe_fake.objects[session_id_of(url)]
    assert session["mode"] == "setup" and session["metadata"]["kind"] == "pledge"
    assert session["metadata"]["tenant_schema"] == site_a.tenant.schema_name and session["customer"].startswith("cus_")
    with site_a:
        pledge = Pledge.objects.get(backer=backer)
        assert pledge.status == Pledge.Status.PENDING_CARD and pledge.amount == 3_000 and pledge.anonymous
        assert session["metadata"]["pledge_id"] == str(pledge.public_id)
        tier.refresh_from_db()
        assert tier.quantity_claimed == 1
    assert stripe_fake.checkout_pay(session_id_of(url), CARD_SUCCEEDS)["outcome"] == "succeeded"
    deliver(public_client, stripe_fake, times=2)  # a duplicate delivery changes nothing
    with site_a:
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.ACTIVE
        assert pledge.stripe_payment_method_id.startswith("pm_") and pledge.stripe_setup_intent_id.startswith("seti_")
    assert not [o for o in stripe_fake.objects.values() if o.get("object") in ("payment_intent", "charge")]
    page = client.get(f"/campaigns/my-pledges/{pledge.public_id}/?saved=1").content.decode()
    assert "Active" in page and "nothing is charged" in page
    assert "30.00" in client.get("/campaigns/my-pledges/").content.decode()
    public = site_a.client().get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "30.00" in public and "30%" in public and "1 backer" in public


def test_expired_card_page_gives_the_place_back(site_a, live, stripe_fake, public_client):
    from billing import gateway

    campaign, tier = live
    backer = site_a.make_user("learner")
    response = site_a.client(backer).post(f"/campaigns/{campaign.slug}/pledge/", {"tier": str(tier.public_id),
                                                                                 "amount": "25.00"})
    gateway.checkout_session_expire(session_id_of(response["Location"]))
    deliver(public_client, stripe_fake)
    with site_a:
        pledge = Pledge.objects.get(backer=backer)
        tier.refresh_from_db()
        assert pledge.status == Pledge.Status.CANCELLED and tier.quantity_claimed == 0


def test_a_session_naming_another_pledge_changes_nothing(site_a, live, stripe_fake, public_client):
    from billing import gateway

    campaign, _ = live
    backer = site_a.make_user("learner")
    site_a.client(backer).post(f"/campaigns/{campaign.slug}/pledge/", {"amount": "5.00"})
    with site_a:
        pledge = Pledge.objects.get(backer=backer)
    forged = gateway.checkout_session_create(params={
        "mode": "setup", "customer": pledge.stripe_customer_id, "success_url": "https://x/ok", "cancel_url": "https://x/no",
        "metadata": {"kind": "pledge", "tenant_schema": site_a.tenant.schema_name, "pledge_id": str(pledge.public_id)},
    }, idempotency="forged")
    stripe_fake.checkout_pay(forged.id, CARD_SUCCEEDS)
    deliver(public_client, stripe_fake)
    with site_a:
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.PENDING_CARD


def test_backer_changes_and_cancels_on_the_pages(site_a, live):
    from crowdfunding.tests.helpers import pledge_active

    campaign, tier = live
    backer = site_a.make_user("learner")
    with site_a:
        pledge = pledge_active(campaign=campaign, backer=backer, amount=3_000, tier=tier)
    client = site_a.client(backer)
    response = client.post(f"/campaigns/my-pledges/{pledge.public_id}/", {"tier": "", "amount": "12.00"})
    assert response.status_code == 302
    with site_a:
        pledge.refresh_from_db(), tier.refresh_from_db()
        assert pledge.amount == 1_200 and pledge.tier is None and tier.quantity_claimed == 0
    response = client.post(f"/campaigns/my-pledges/{pledge.public_id}/", {"tier": "", "amount": "0.50"})
    assert response.status_code == 400 and "minimum for a pledge" in response.content.decode()
    other = site_a.client(site_a.make_user("learner"))
    assert other.get(f"/campaigns/my-pledges/{pledge.public_id}/").status_code == 404
    assert other.post(f"/campaigns/my-pledges/{pledge.public_id}/cancel").status_code == 404
    assert client.post(f"/campaigns/my-pledges/{pledge.public_id}/cancel").status_code == 302
    with site_a:
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.CANCELLED


def test_pledging_when_stripe_is_down_says_so(site_a, live, settings):
    settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE = "sk_test_x", "http://127.0.0.1:9"
    campaign, _ = live
    backer = site_a.make_user("learner")
    response = site_a.client(backer).post(f"/campaigns/{campaign.slug}/pledge/", {"amount": "5.00"})
    assert response.status_code == 400 and "could not be opened" in response.content.decode()
    with site_a:
        assert Pledge.objects.get(backer=backer).status == Pledge.Status.CANCELLED
