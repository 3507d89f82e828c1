"""The add forms of the staff campaign page (rewards, stretch goals, questions, updates), and the
"Campaigns" links of the site's navigation."""
from __future__ import annotations

import pytest
from django.core.cache import cache

from billing.models import Plan, Subscription
from crowdfunding import services
from crowdfunding.models import CampaignUpdate, FaqEntry, RewardTier, StretchGoal
from crowdfunding.tests.helpers import campaign_make

pytestmark = pytest.mark.django_db

PARTS = [
    # (path, prefix, valid body, model, a body the service refuses, where its message lands, message)
    ("tiers/", "tier", {"title": "Mug", "minimum_amount": "25.00"}, RewardTier,
     {"title": "Mug", "minimum_amount": "0.50"}, "minimum_amount", "The minimum is at least 1.00 USD."),
    ("stretch-goals/", "goal", {"amount": "2000.00", "text": "Solar"}, StretchGoal,
     {"amount": "10.00", "text": "Too low"}, "amount", "A stretch goal is above the campaign's goal."),
    ("faq/", "faq", {"question": "When?", "answer": "Soon"}, FaqEntry, None, None, None),
    ("updates/", "update", {"title": "News", "body": "We are halfway"}, CampaignUpdate, None, None, None),
]


def _post(client, campaign, path, prefix, body):
    return client.post(f"/manage/campaigns/{campaign.slug}/{path}", {f"{prefix}-{k}": v for k, v in body.items()})


@pytest.mark.parametrize("path,prefix,valid,model,refused,field,message", PARTS, ids=[p[1] for p in PARTS])
def test_each_add_form_saves_reports_errors_on_its_form_and_refuses_others(site_a, admin_a, path, prefix, valid, model,
                                                                          refused, field, message):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=100_000)
    admin = site_a.client(admin_a)
    saved = _post(admin, campaign, path, prefix, valid)
    assert saved.status_code == 302 and saved["Location"] == f"/manage/campaigns/{campaign.slug}/"
    with site_a:
        assert model.objects.filter(campaign=campaign).count() == 1
    assert len(list(admin.get(saved["Location"]).context["messages"])) == 1

    empty = _post(admin, campaign, path, prefix, {k: "" for k in valid})  # the form refuses it
    assert empty.status_code == 400 and empty.context[f"{prefix}_form"].errors
    assert empty.context[f"{prefix}_form"].is_bound and not empty.context["tier_form" if prefix != "tier" else "faq_form"].is_bound
    if refused is not None:  # the service refuses it: its message on the form's field
        response = _post(admin, campaign, path, prefix, refused)
        assert response.status_code == 400 and response.context[f"{prefix}_form"].errors[field] == [message]
    with site_a:
        services.campaign_cancel(campaign=campaign, actor=admin_a)
    closed = _post(admin, campaign, path, prefix, valid)
    assert closed.status_code == 400 and closed.context[f"{prefix}_form"].non_field_errors()
    learner = site_a.make_user("learner")
    assert _post(site_a.client(learner), campaign, path, prefix, valid).status_code == 403
    with site_a:
        assert model.objects.filter(campaign=campaign).count() == 1


def test_update_on_a_draft_is_refused_on_the_update_form(site_a, admin_a):
    with site_a:
        draft = campaign_make(actor=admin_a, live=False)
    response = _post(site_a.client(admin_a), draft, "updates/", "update", {"title": "Early", "body": "Too early"})
    assert response.status_code == 400
    assert response.context["update_form"].non_field_errors() == ["Updates are for campaigns that have gone live."]


# --- navigation ---------------------------------------------------------------------------------------

def _nav(client) -> str:
    page = client.get("/").content.decode()
    return page[page.index('<nav aria-label="Main">'):page.index("</nav>")]


def test_campaigns_links_follow_the_plan_feature_and_who_may_run_campaigns(site_a, admin_a):
    instructor = site_a.make_user("instructor")
    learner = site_a.make_user("learner")
    assert 'href="/campaigns/">Campaigns</a>' in _nav(site_a.client())  # everyone: the campaigns index
    assert "Manage campaigns" not in _nav(site_a.client(learner))
    assert "Manage campaigns" not in _nav(site_a.client(instructor))  # not allowed by the institution yet
    admin_nav = _nav(site_a.client(admin_a))  # administrators: one "Manage" link, campaigns in its menu
    assert 'href="/manage/users/">Manage</a>' in admin_nav and "Manage campaigns" not in admin_nav
    manage = site_a.client(admin_a).get("/manage/users/").content.decode()
    assert 'href="/manage/campaigns/">Campaigns</a>' in manage  # the administration menu
    with site_a:
        services.settings_update(actor=admin_a, require_review=False, instructors_may_manage=True, minimum_pledge=None)
    assert "Manage campaigns" in _nav(site_a.client(instructor))

    plan = Plan.objects.create(code="nocf-nav", name="No campaigns", price_amount=0, features={"api_access": True})
    Subscription.objects.filter(tenant=site_a.tenant).update(plan=plan)
    cache.clear()  # the plan's features are cached a minute
    for client in (site_a.client(), site_a.client(admin_a), site_a.client(instructor)):
        assert "Campaigns" not in _nav(client) and "Manage campaigns" not in _nav(client)
    assert "/manage/campaigns/" not in site_a.client(admin_a).get("/manage/users/").content.decode()
