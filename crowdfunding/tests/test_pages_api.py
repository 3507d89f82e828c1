"""Public pages (anonymous, constant queries), the plan feature gate, staff pages, the API, and
the foreign institution."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import Plan, Subscription
from crowdfunding import services
from crowdfunding.models import Campaign, Pledge
from crowdfunding.tests.helpers import campaign_make, pledge_active, tier_make

pytestmark = pytest.mark.django_db


def _backers(site, campaign, n, start=0):
    from tenant_apps.accounts.services import user_create

    with site:
        for i in range(start, start + n):
            user = user_create(email=f"backer{i}@crowd.test", password="correct-horse-battery-staple", role="learner")
            pledge_active(campaign=campaign, backer=user, amount=1_000)


def test_public_page_anonymous_with_progress_tiers_and_open_graph(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=10_000, title="Library <roof>")
        tier = tier_make(campaign=campaign, actor=admin_a, minimum=2_500, quantity=10)
        services.stretch_goal_add(campaign=campaign, actor=admin_a, amount=20_000, text="Solar panels")
        services.faq_add(campaign=campaign, actor=admin_a, question="When?", answer="Soon")
    _backers(site_a, campaign, 3)
    with site_a:
        pledge_active(campaign=campaign, backer=site_a.make_user("learner"), amount=2_500, tier=tier)
    response = site_a.client().get(f"/campaigns/{campaign.slug}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<meta property="og:title" content="Library &lt;roof&gt;">' in page
    assert "55.00 USD" in page and "55%" in page and "4 backers" in page and "days left" in page
    assert "9 of 10 left" in page and "Solar panels" in page and "When?" in page and "<strong>bold</strong>" in page
    assert "twitter.com/intent/tweet" in page and "facebook.com/sharer" in page
    index = site_a.client().get("/campaigns/").content.decode()
    assert "Library &lt;roof&gt;" in index


def test_drafts_are_not_public(site_a, admin_a):
    with site_a:
        draft = campaign_make(actor=admin_a, live=False, title="Secret draft")
    assert site_a.client().get(f"/campaigns/{draft.slug}/").status_code == 404
    assert "Secret draft" not in site_a.client().get("/campaigns/").content.decode()


def test_campaign_page_query_count_does_not_grow_with_backers(site_a, admin_a, django_assert_max_num_queries):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=100_000)
        tier_make(campaign=campaign, actor=admin_a, quantity=100)
    client = site_a.client()
    _backers(site_a, campaign, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crowdfunding.page_cache import campaign_page_changed

    client.get(f"/campaigns/{campaign.slug}/")  # warm the routing cache
    with site_a:
        campaign_page_changed(campaign.pk)  # the body is built, not served from the cache, both times
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/campaigns/{campaign.slug}/").status_code == 200
    _backers(site_a, campaign, 49, start=1)  # pledges change the page's version: built again
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "50 backers" in page


def _plan_without_crowdfunding(site):
    plan = Plan.objects.create(code="basic-nocf", name="Basic", price_amount=0, features={"api_access": True})
    Subscription.objects.filter(tenant=site.tenant).update(plan=plan)


def test_feature_gate_pages_and_api(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a)
    _plan_without_crowdfunding(site_a)
    anonymous = site_a.client().get(f"/campaigns/{campaign.slug}/")
    assert anonymous.status_code == 403 and "not available on this site" in anonymous.content.decode()
    admin_page = site_a.client(admin_a).get("/manage/campaigns/")
    assert admin_page.status_code == 403 and "/manage/billing/" in admin_page.content.decode()
    api = site_a.client(admin_a).get("/api/v1/campaigns")
    assert api.status_code == 403 and api.json()["code"] == "plan_feature_required"
    with site_a:
        from billing.api import PlanLimitExceeded

        with pytest.raises(PlanLimitExceeded):
            campaign_make(actor=admin_a)


def test_staff_pages_create_tiers_publish(site_a, admin_a):
    client = site_a.client(admin_a)
    deadline = (timezone.now() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/manage/campaigns/new/", {"title": "New lab", "pitch": "Help us", "category": "equipment",
                                                       "goal_amount": "500.00", "deadline": deadline})
    assert response.status_code == 302, response.content.decode()[:3000]
    with site_a:
        campaign = Campaign.objects.get(title="New lab")
    assert campaign.goal_amount == 50_000 and campaign.slug == "new-lab"
    base = f"/manage/campaigns/{campaign.slug}/"
    assert client.post(base + "tiers/", {"tier-title": "T-shirt", "tier-minimum_amount": "40",
                                         "tier-quantity_limit": "5", "tier-estimated_delivery": "2027-03"}).status_code == 302
    assert client.post(base + "stretch-goals/", {"goal-amount": "800", "goal-text": "More"}).status_code == 302
    assert client.post(base + "faq/", {"faq-question": "Q?", "faq-answer": "A."}).status_code == 302
    assert client.post(base + "state", {"action": "publish"}).status_code == 302
    page = client.get(base).content.decode()
    assert "Live" in page and "T-shirt" in page and "March 2027" in page
    with site_a:
        tier = campaign.tiers.get()
    assert client.post(base + f"tiers/{tier.public_id}/close").status_code == 302
    learner = site_a.client(site_a.make_user("learner"))
    assert learner.get("/manage/campaigns/").status_code == 403
    assert learner.post(base + "state", {"action": "cancel"}).status_code == 403


def test_api_campaigns_tiers_pledges(site_a, admin_a, stripe_fake):
    client = site_a.client(admin_a)
    deadline = (timezone.now() + timedelta(days=20)).isoformat()
    response = client.post("/api/v1/campaigns", {"title": "API drive", "pitch": "p", "goal_amount": 20_000,
                                                 "deadline": deadline}, content_type="application/json")
    assert response.status_code == 201, response.content
    slug = response.json()["slug"]
    assert response.json()["state"] == "draft" and response.json()["currency"] == "USD"
    tier = client.post(f"/api/v1/campaigns/{slug}/tiers", {"title": "Pin", "minimum_amount": 1_000, "quantity_limit": 2},
                       content_type="application/json")
    assert tier.status_code == 201 and tier.json()["remaining"] == 2
    assert client.post(f"/api/v1/campaigns/{slug}/state", {"action": "publish"},
                       content_type="application/json").json()["state"] == "live"
    lowered = client.patch(f"/api/v1/campaigns/{slug}", {"goal_amount": 100}, content_type="application/json")
    assert lowered.status_code == 400 and "cannot be lowered" in lowered.json()["errors"]["goal_amount"][0]
    backer = site_a.make_user("learner")
    bclient = site_a.client(backer)
    assert bclient.post("/api/v1/campaigns", {"title": "x", "pitch": "p", "goal_amount": 1, "deadline": deadline},
                        content_type="application/json").status_code == 403
    created = bclient.post(f"/api/v1/campaigns/{slug}/pledges", {"tier": tier.json()["id"], "amount": 1_500},
                           content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["checkout_url"].startswith("https://simulator.test/checkout/")
    pledge_id = created.json()["pledge"]["id"]
    assert [p["id"] for p in bclient.get("/api/v1/me/pledges").json()] == [pledge_id]
    changed = bclient.patch(f"/api/v1/me/pledges/{pledge_id}", {"amount": 2_000, "tier": None},
                            content_type="application/json")
    assert changed.status_code == 200 and changed.json()["amount"] == 2_000 and changed.json()["tier"] is None
    low = bclient.patch(f"/api/v1/me/pledges/{pledge_id}", {"amount": 1}, content_type="application/json")
    assert low.status_code == 400 and low.json()["code"] == "invalid"
    assert site_a.client(site_a.make_user("learner")).get(f"/api/v1/me/pledges/{pledge_id}").status_code == 404
    assert bclient.post(f"/api/v1/me/pledges/{pledge_id}/cancel").json()["status"] == "cancelled"
    detail = bclient.get(f"/api/v1/campaigns/{slug}").json()
    assert detail["tiers"][0]["remaining"] == 2 and detail["pledged_amount"] == 0


def test_foreign_institution_sees_nothing(site_a, site_b, admin_a, admin_b):
    with site_a:
        campaign = campaign_make(actor=admin_a)
        pledge = pledge_active(campaign=campaign, backer=site_a.make_user("learner"))
    b = site_b.client(admin_b)
    assert b.get(f"/campaigns/{campaign.slug}/").status_code == 404
    assert b.get(f"/manage/campaigns/{campaign.slug}/").status_code == 404
    assert b.get(f"/api/v1/campaigns/{campaign.slug}").status_code == 404
    assert b.get(f"/api/v1/me/pledges/{pledge.public_id}").status_code == 404
    assert b.post(f"/manage/campaigns/{campaign.slug}/state", {"action": "cancel"}).status_code == 404
    with site_a:
        campaign.refresh_from_db()
        assert campaign.state == Campaign.State.LIVE and Pledge.objects.get(pk=pledge.pk).is_open
