"""Campaign updates: staff post, every backer is emailed once, backers-only posts stay with backers."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from crowdfunding.models import Campaign, Pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(site_a, admin_a):
    backers = [site_a.make_user("learner") for _ in range(2)]
    with site_a:
        campaign = Campaign.objects.create(slug="garden", title="School garden", pitch="Vegetables for lunch",
                                           goal_amount=10000, currency="USD", state=Campaign.State.LIVE,
                                           deadline=timezone.now() + timedelta(days=5), published_at=timezone.now())
        for b in backers:
            Pledge.objects.create(campaign=campaign, backer=b, amount=1000, currency="USD", status=Pledge.Status.ACTIVE)
    return campaign, backers


def test_posting_an_update_emails_each_backer_and_shows_on_the_page(site_a, admin_a, live,
                                                                    django_capture_on_commit_callbacks):
    campaign, backers = live
    admin = site_a.client(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/manage/campaigns/{campaign.slug}/updates/", {
            "update-title": "Seeds are in", "update-body": "We planted **tomatoes**.\n\n<script>x</script>"})
    assert response.status_code == 302
    sent = [m for m in mail.outbox if "Seeds are in" in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(b.email for b in backers)  # one each, nobody sees the others
    page = site_a.client().get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "Seeds are in" in page and "<strong>tomatoes</strong>" in page and "<script>x" not in page


def test_backers_only_updates_are_hidden_from_others(site_a, admin_a, live):
    campaign, backers = live
    admin = site_a.client(admin_a)
    admin.post(f"/manage/campaigns/{campaign.slug}/updates/", {
        "update-title": "For backers", "update-body": "Thank you", "update-backers_only": "on"})
    assert "For backers" in site_a.client(backers[0]).get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "For backers" not in site_a.client().get(f"/campaigns/{campaign.slug}/").content.decode()
    stranger = site_a.client(site_a.make_user("learner"))
    assert "For backers" not in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    api = stranger.get(f"/api/v1/campaigns/{campaign.slug}/updates")
    assert api.status_code == 200 and api.json() == []
    assert site_a.client(backers[1]).get(f"/api/v1/campaigns/{campaign.slug}/updates").json()[0]["title"] == "For backers"


def test_only_staff_post_and_empty_posts_are_refused(site_a, admin_a, live):
    campaign, backers = live
    assert site_a.client(backers[0]).post(f"/manage/campaigns/{campaign.slug}/updates/", {
        "update-title": "Hi", "update-body": "x"}).status_code == 403
    api = site_a.client(backers[0]).post(f"/api/v1/campaigns/{campaign.slug}/updates", {"title": "Hi", "body": "x"},
                                         content_type="application/json")
    assert api.status_code == 404
    empty = site_a.client(admin_a).post(f"/manage/campaigns/{campaign.slug}/updates/", {"update-title": "", "update-body": ""})
    assert empty.status_code == 400
    made = site_a.client(admin_a).post(f"/api/v1/campaigns/{campaign.slug}/updates", {"title": "API", "body": "Posted"},
                                       content_type="application/json")
    assert made.status_code == 201 and made.json()["title"] == "API"


def test_dashboard_chart_tier_counts_and_backers_csv(site_a, admin_a, live):
    from crowdfunding.models import RewardTier

    campaign, backers = live
    with site_a:
        tier = RewardTier.objects.create(campaign=campaign, title="Seed packet", minimum_amount=500)
        Pledge.objects.filter(backer=backers[0]).update(tier=tier, anonymous=True)
        Pledge.objects.filter(backer=backers[1]).update(created_at=timezone.now() - timedelta(days=2))
    for _ in range(4):  # public page views
        site_a.client().get(f"/campaigns/{campaign.slug}/")
    page = site_a.client(admin_a).get(f"/manage/campaigns/{campaign.slug}/").content.decode()
    assert "Conversion: 2 pledges from 4 page views (50.0 %)." in page
    assert "<polyline points=" in page and "20.00 USD pledged over 2 days" in page
    assert "<td>Seed packet</td><td>1</td><td>10.00 USD</td>" in page and "<td>No reward</td><td>1</td>" in page
    response = site_a.client(admin_a).get(f"/manage/campaigns/{campaign.slug}/backers.csv")
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert lines[0] == "name,email,reward,amount,currency,state" and len(lines) == 3
    assert any(line.startswith(f"Anonymous,{backers[0].email},Seed packet,10.00,USD,active") for line in lines)
    assert site_a.client(backers[0]).get(f"/manage/campaigns/{campaign.slug}/backers.csv").status_code == 403
