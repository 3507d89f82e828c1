"""The public campaign page reads in a number of queries that does not grow with its backers,
comments or updates (two campaigns of different sizes, same count)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crowdfunding.models import CampaignUpdate, Comment
from crowdfunding.tests.helpers import campaign_make, pledge_active, tier_make

pytestmark = pytest.mark.django_db


def _seed(site, admin, *, backers: int, comments: int, updates: int, tag: str):
    with site:
        campaign = campaign_make(actor=admin, goal=1_000_000, title=f"Wells {tag}")
        tiers = [tier_make(campaign=campaign, actor=admin, minimum=1_000 * (t + 1), quantity=50, title=f"T{t}")
                 for t in range(3)]
    users = [site.make_user("learner") for _ in range(backers)]
    with site:
        for i, user in enumerate(users):
            pledge_active(campaign=campaign, backer=user, amount=5_000, tier=tiers[i % 3])
        Comment.objects.bulk_create([Comment(campaign=campaign, author=users[i % len(users)], body=f"Go {i}",
                                             hidden=i % 7 == 0) for i in range(comments)])
        for u in range(updates):
            CampaignUpdate.objects.create(campaign=campaign, title=f"U{u}", body="**news**", author=admin,
                                          backers_only=u % 2 == 0)
    return campaign


def _queries(client, campaign) -> int:
    client.get(f"/campaigns/{campaign.slug}/")  # warm the routing and plan caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/campaigns/{campaign.slug}/")
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_campaign_page_queries_do_not_grow_with_backers_comments_or_updates(site_a, admin_a):
    small = _seed(site_a, admin_a, backers=2, comments=2, updates=1, tag="small")
    big = _seed(site_a, admin_a, backers=30, comments=60, updates=8, tag="big")
    anonymous = site_a.client()
    assert _queries(anonymous, big) == _queries(anonymous, small)
    with site_a:
        backer = big.pledges.select_related("backer").first().backer
    member = site_a.client(backer)  # a backer sees backers-only updates and the comment form
    assert _queries(member, big) == _queries(member, small)
    staff = site_a.client(admin_a)  # staff see hidden comments and moderation forms
    assert _queries(staff, big) == _queries(staff, small)
