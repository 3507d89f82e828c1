"""The public campaign page's body is cached for anonymous visitors (crowdfunding/page_cache.py):
every write through the services shows at once, the cache is per institution, time left is
live, comments come a page at a time, and the queries stay constant."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.stripe_fake import CARD_SUCCEEDS
from billing.tests.commerce_helpers import deliver, session_id_of
from crowdfunding import services
from crowdfunding.comments import COMMENTS_PER_PAGE, comment_moderate
from crowdfunding.models import Campaign, CampaignUpdate, Comment
from crowdfunding.tests.helpers import campaign_make, deadline_pass, pledge_active, tier_make
from crowdfunding.updates import update_post

pytestmark = pytest.mark.django_db


def _page(site, campaign, query: str = "", user=None, **headers) -> str:
    response = site.client(user).get(f"/campaigns/{campaign.slug}/{query}", **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def live(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=10_000, title="Roof")
        tier = tier_make(campaign=campaign, actor=admin_a, minimum=2_500, quantity=10, title="Mug")
    return campaign, tier


def test_anonymous_visitors_are_served_the_cached_body(site_a, live):
    campaign, _ = live
    assert "No comments yet." in _page(site_a, campaign)
    with site_a:  # a write that bypasses the services (and the campaign row) waits for the cache to expire
        Comment.objects.create(campaign=campaign, author=site_a.make_user("learner"), body="Sneaked in")
    assert "Sneaked in" not in _page(site_a, campaign)
    cache.clear()
    assert "Sneaked in" in _page(site_a, campaign)


def test_a_pledge_whose_card_is_saved_shows_at_once(site_a, live, stripe_fake, public_client):
    campaign, tier = live
    assert "0 backers" in _page(site_a, campaign) and "10 of 10 left" in _page(site_a, campaign)
    backer = site_a.make_user("learner")
    response = site_a.client(backer).post(f"/campaigns/{campaign.slug}/pledge/",
                                          {"tier": str(tier.public_id), "amount": "30.00"})
    assert response.status_code == 302
    assert "9 of 10 left" in _page(site_a, campaign)  # the place is held while the card is saved
    stripe_fake.checkout_pay(session_id_of(response["Location"]), CARD_SUCCEEDS)
    deliver(public_client, stripe_fake)  # the webhook activates the pledge
    page = _page(site_a, campaign)
    assert "1 backer" in page and "30.00" in page and "30%" in page


def test_backer_cancelling_shows_at_once(site_a, live):
    campaign, tier = live
    backer = site_a.make_user("learner")
    with site_a:
        pledge = pledge_active(campaign=campaign, backer=backer, amount=4_000, tier=tier)
    assert "1 backer" in _page(site_a, campaign) and "9 of 10 left" in _page(site_a, campaign)
    with site_a:
        services.pledge_cancel(pledge=pledge, backer=backer)
    page = _page(site_a, campaign)
    assert "0 backers" in page and "10 of 10 left" in page


def test_comments_updates_tiers_and_edits_show_at_once(site_a, admin_a, live):
    campaign, tier = live
    _page(site_a, campaign)
    member = site_a.make_user("learner", first_name="Mia")
    assert site_a.client(member).post(f"/campaigns/{campaign.slug}/comments/", {"body": "Go team!"}).status_code == 302
    assert "Go team!" in _page(site_a, campaign)
    with site_a:
        comment = Comment.objects.get(campaign=campaign)
        comment_moderate(comment=comment, actor=admin_a, action="delete")
    assert "Go team!" not in _page(site_a, campaign)
    with site_a:
        update_post(campaign=campaign, actor=admin_a, title="We started", body="The *scaffolding* is up.")
    assert "<em>scaffolding</em>" in _page(site_a, campaign)
    with site_a:
        services.tier_close(tier=tier, actor=admin_a)
        services.stretch_goal_add(campaign=campaign, actor=admin_a, amount=20_000, text="Solar panels")
    page = _page(site_a, campaign)
    assert "Closed" in page and "Solar panels" in page
    with site_a:
        services.campaign_update(campaign=campaign, actor=admin_a, story="## New story")
    assert "<h2>New story</h2>" in _page(site_a, campaign)


def test_time_left_and_the_backing_buttons_are_not_cached(site_a, live):
    campaign, _ = live
    page = _page(site_a, campaign)
    assert "days left" in page and "Back this campaign" in page and "Choose this reward" in page
    with site_a:
        deadline_pass(campaign)  # a plain UPDATE: no service, the cached body is still there
    page = _page(site_a, campaign)
    assert "Ended" in page and "days left" not in page
    assert "Back this campaign" not in page and "Choose this reward" not in page


def test_members_get_their_own_page_not_the_anonymous_one(site_a, admin_a, live):
    campaign, _ = live
    with site_a:
        update_post(campaign=campaign, actor=admin_a, title="Backers only news", body="Secret", backers_only=True)
    assert "Backers only news" not in _page(site_a, campaign)  # cached for anonymous visitors
    backer = site_a.make_user("learner")
    with site_a:
        pledge_active(campaign=campaign, backer=backer, amount=3_000)
    page = _page(site_a, campaign, user=backer)
    assert "Backers only news" in page and "You back this campaign" in page and 'name="body"' in page
    anonymous = _page(site_a, campaign)
    assert "Backers only news" not in anonymous and "Log in</a> to comment" in anonymous


def test_same_slug_in_two_institutions_each_shows_its_own(site_a, admin_a, site_b, admin_b):
    with site_a:
        a = campaign_make(actor=admin_a, title="Wells", slug="wells", goal=10_000)
        services.campaign_update(campaign=a, actor=admin_a, story="Acme's **own** wells")
    with site_b:
        b = campaign_make(actor=admin_b, title="Wells", slug="wells", goal=20_000)
        services.campaign_update(campaign=b, actor=admin_b, story="Globex's *other* wells")
    assert a.slug == b.slug == "wells"
    for _ in range(2):  # built, then from the cache
        page_a, page_b = _page(site_a, a), _page(site_b, b)
        assert "Acme's <strong>own</strong> wells" in page_a and "Globex" not in page_a
        assert "Globex's <em>other</em> wells" in page_b and "Acme" not in page_b
        assert "200.00" in page_b and "200.00" not in page_a
    raw = cache._cache.get_client()  # the stored keys start with each institution's schema
    keys = [k.decode() for k in raw.keys("*campaign-page:v1:*")]
    assert {k.split(":", 1)[0] for k in keys} == {site_a.tenant.schema_name, site_b.tenant.schema_name}


def test_markdown_is_rendered_and_sanitised_when_written(site_a, admin_a, live):
    campaign, _ = live
    with site_a:
        services.campaign_update(campaign=campaign, actor=admin_a, story="## Big\n\n<script>alert(1)</script>**ok**")
        campaign.refresh_from_db()
        assert "<h2>Big</h2>" in campaign.story_html and "<strong>ok</strong>" in campaign.story_html
        assert "<script>" not in campaign.story_html
        update = update_post(campaign=campaign, actor=admin_a, title="T", body="[x](javascript:alert(1)) **b**")
        assert "javascript:" not in update.body_html and "<strong>b</strong>" in update.body_html
    assert "<script>" not in _page(site_a, campaign)


def _comments(site, campaign, n: int) -> None:
    author = site.make_user("learner", first_name="Ann")
    with site:
        now = timezone.now()
        Comment.objects.bulk_create([Comment(campaign=campaign, author=author, body=f"Comment number {i}.")
                                     for i in range(n)])
        for i, pk in enumerate(Comment.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True)):
            Comment.objects.filter(pk=pk).update(created_at=now - timedelta(minutes=n - i))


def test_comments_come_a_page_at_a_time_newest_first(site_a, live):
    campaign, _ = live
    _comments(site_a, campaign, 65)
    first = _page(site_a, campaign)
    shown = [i for i in range(65) if f"Comment number {i}." in first]
    assert shown == list(range(65 - COMMENTS_PER_PAGE, 65))
    assert first.index("Comment number 64.") < first.index("Comment number 35.")  # newest first
    assert "?comments_page=2" in first and "Older comments" in first
    second = _page(site_a, campaign, "?comments_page=2")
    assert [i for i in range(65) if f"Comment number {i}." in second] == list(range(5, 35))
    assert "?comments_page=3" in second and "Newest comments" in second
    last = _page(site_a, campaign, "?comments_page=3")
    assert [i for i in range(65) if f"Comment number {i}." in last] == list(range(5))
    assert "Older comments" not in last and "No comments yet." not in last
    partial = _page(site_a, campaign, "?comments_page=2", HTTP_HX_REQUEST="true")  # "Older comments" in place
    assert "<html" not in partial and "Comment number 34." in partial and "?comments_page=3" in partial
    assert "Comment number 35." not in partial


@pytest.mark.parametrize("value", ["abc", "0", "-1", "2.5", "99999999", "１"])
def test_a_bad_comments_page_is_a_404(site_a, live, value):
    campaign, _ = live
    response = site_a.client().get(f"/campaigns/{campaign.slug}/", {"comments_page": value})
    assert response.status_code == 404


def test_hidden_comments_stay_hidden_on_every_page(site_a, admin_a, live):
    campaign, _ = live
    _comments(site_a, campaign, 40)
    with site_a:
        Comment.objects.filter(body="Comment number 39.").update(hidden=True)
        services.campaign_update(campaign=campaign, actor=admin_a, title="Roof!")  # a new version
    anonymous = _page(site_a, campaign) + _page(site_a, campaign, "?comments_page=2")
    assert "Comment number 39." not in anonymous and "Comment number 0." in anonymous
    staff = _page(site_a, campaign, user=admin_a)
    assert "Comment number 39." in staff and "Unhide" in staff


def _seed(site, admin, *, backers: int, comments: int, updates: int, tag: str) -> Campaign:
    with site:
        campaign = campaign_make(actor=admin, goal=1_000_000, title=f"Wells {tag}")
        tiers = [tier_make(campaign=campaign, actor=admin, minimum=1_000 * (t + 1), quantity=50, title=f"T{t}")
                 for t in range(3)]
    users = [site.make_user("learner") for _ in range(backers)]
    with site:
        for i, user in enumerate(users):
            pledge_active(campaign=campaign, backer=user, amount=5_000, tier=tiers[i % 3])
        Comment.objects.bulk_create([Comment(campaign=campaign, author=users[i % len(users)], body=f"Go {i}")
                                     for i in range(comments)])
        for u in range(updates):
            CampaignUpdate.objects.create(campaign=campaign, title=f"U{u}", body="**news**", body_html="<p>news</p>",
                                          author=admin)
    return campaign


def _counts(site, campaign) -> tuple[int, int]:
    """(queries when the body is built, when it comes from the cache), anonymous."""
    client = site.client()
    client.get("/campaigns/")  # warm the routing and plan caches
    with site:
        from crowdfunding.page_cache import campaign_page_changed

        campaign_page_changed(campaign.pk)
    with CaptureQueriesContext(connection) as built:
        assert client.get(f"/campaigns/{campaign.slug}/").status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(f"/campaigns/{campaign.slug}/").status_code == 200
    ours = [q["sql"] for q in cached.captured_queries if "crowdfunding_" in q["sql"]]
    assert len(ours) == 1 and '"crowdfunding_campaign"' in ours[0]  # from the cache: the campaign row alone
    return len(built.captured_queries), len(cached.captured_queries)


def test_queries_stay_constant_built_or_cached(site_a, admin_a):
    small = _seed(site_a, admin_a, backers=2, comments=3, updates=1, tag="small")
    big = _seed(site_a, admin_a, backers=25, comments=80, updates=6, tag="big")
    small_counts, big_counts = _counts(site_a, small), _counts(site_a, big)
    assert small_counts == big_counts
    built, cached = big_counts
    assert cached < built
