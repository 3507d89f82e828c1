"""Campaign state machine, goal and deadline rules, tiers, pledge amount/edit/cancel rules."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from crowdfunding import services
from crowdfunding.models import Campaign, Pledge
from crowdfunding.tests.helpers import campaign_make, deadline_pass, pledge_active, tier_make
from tenant_apps.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _actions(campaign) -> list[str]:
    return list(AuditEntry.objects.filter(target_id=str(campaign.pk)).order_by("pk").values_list("action", flat=True))


def test_draft_goes_live_and_every_change_is_audited(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, live=False)
        assert campaign.state == Campaign.State.DRAFT and campaign.currency == site_a.tenant.currency
        campaign = services.campaign_publish(campaign=campaign, actor=admin_a)
        assert campaign.state == Campaign.State.LIVE and campaign.starts_at and campaign.published_at
        services.campaign_cancel(campaign=campaign, actor=admin_a)
        entries = list(AuditEntry.objects.filter(action__startswith="campaign.").values_list("action", flat=True))
        assert {"campaign.create", "campaign.publish", "campaign.cancel"} <= set(entries)


def test_review_when_the_institution_reviews(site_a, admin_a):
    with site_a:
        services.settings_update(actor=admin_a, require_review=True, instructors_may_manage=True, minimum_pledge=None)
        instructor = site_a.make_user("instructor")
    with site_a:
        campaign = campaign_make(actor=instructor, live=False)
        with pytest.raises(ValidationError, match="submit it for review"):
            services.campaign_publish(campaign=campaign, actor=instructor)
        campaign = services.campaign_submit(campaign=campaign, actor=instructor)
        assert campaign.state == Campaign.State.IN_REVIEW
        with pytest.raises(PermissionDenied):
            services.campaign_publish(campaign=campaign, actor=instructor)  # only administrators approve
        campaign = services.campaign_return_to_draft(campaign=campaign, actor=admin_a)
        campaign = services.campaign_submit(campaign=campaign, actor=instructor)
        assert services.campaign_publish(campaign=campaign, actor=admin_a).state == Campaign.State.LIVE


def test_instructors_need_the_setting_and_run_only_their_own(site_a, admin_a):
    with site_a:
        instructor = site_a.make_user("instructor")
    with site_a:
        with pytest.raises(PermissionDenied):
            campaign_make(actor=instructor)
        services.settings_update(actor=admin_a, require_review=False, instructors_may_manage=True, minimum_pledge=None)
        own = campaign_make(actor=instructor)
        other = campaign_make(actor=admin_a)
        with pytest.raises(PermissionDenied):
            services.campaign_cancel(campaign=other, actor=instructor)
        assert services.campaign_cancel(campaign=own, actor=instructor).state == Campaign.State.CANCELLED


def test_transitions_the_issue_does_not_allow_are_refused(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a)
        services.campaign_cancel(campaign=campaign, actor=admin_a)
        for service in (services.campaign_publish, services.campaign_cancel):
            with pytest.raises(ValidationError):
                service(campaign=campaign, actor=admin_a)
        with pytest.raises(ValidationError, match="cannot be edited"):
            services.campaign_update(campaign=campaign, actor=admin_a, title="New")


def test_conclude_at_the_deadline_successful_or_failed(site_a, admin_a):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        met = campaign_make(actor=admin_a, goal=5_000)
        missed = campaign_make(actor=admin_a, goal=50_000)
        pledge_active(campaign=met, backer=backer, amount=5_000)
        pledge_active(campaign=missed, backer=backer, amount=5_000)
        with pytest.raises(ValidationError, match="still running"):
            services.campaign_conclude(campaign=met)
        assert services.campaign_conclude(campaign=deadline_pass(met)).state == Campaign.State.SUCCESSFUL
        assert services.campaign_conclude(campaign=deadline_pass(missed)).state == Campaign.State.FAILED
        assert services.campaign_conclude(campaign=met).state == Campaign.State.SUCCESSFUL  # idempotent


def test_live_goal_cannot_be_lowered_only_raised(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, goal=100_000)
        with pytest.raises(ValidationError, match="cannot be lowered"):
            services.campaign_update(campaign=campaign, actor=admin_a, goal_amount=99_999)
        assert services.campaign_update(campaign=campaign, actor=admin_a, goal_amount=150_000).goal_amount == 150_000


def test_draft_goal_can_be_lowered(site_a, admin_a):
    with site_a:
        campaign = campaign_make(actor=admin_a, live=False, goal=100_000)
        assert services.campaign_update(campaign=campaign, actor=admin_a, goal_amount=10).goal_amount == 10


def test_live_deadline_never_shortened_and_extended_once_with_backers_told(site_a, admin_a, mailoutbox,
                                                                          django_capture_on_commit_callbacks):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a, days=10)
        pledge_active(campaign=campaign, backer=backer)
        first = campaign.deadline
        with pytest.raises(ValidationError, match="cannot be brought forward"):
            services.campaign_update(campaign=campaign, actor=admin_a, deadline=first - timedelta(days=1))
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            campaign = services.campaign_update(campaign=campaign, actor=admin_a, deadline=first + timedelta(days=5))
        assert [m.to for m in mail.outbox] == [[backer.email]] and "now runs until" in mail.outbox[0].subject
        assert campaign.original_deadline == first and campaign.deadline_extended
        with pytest.raises(ValidationError, match="already been extended once"):
            services.campaign_update(campaign=campaign, actor=admin_a, deadline=first + timedelta(days=9))
        assert "campaign.deadline_extend" in set(AuditEntry.objects.values_list("action", flat=True))


def test_deadline_must_be_in_the_future_and_after_start(site_a, admin_a):
    with site_a:
        with pytest.raises(ValidationError, match="in the future"):
            services.campaign_create(actor=admin_a, title="X", pitch="p", goal_amount=100,
                                     deadline=timezone.now() - timedelta(hours=1))
        with pytest.raises(ValidationError, match="after the start"):
            services.campaign_create(actor=admin_a, title="X", pitch="p", goal_amount=100,
                                     starts_at=timezone.now() + timedelta(days=3), deadline=timezone.now() + timedelta(days=2))


def test_pledge_amount_at_least_tier_and_site_minimum(site_a, admin_a):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a)
        tier = tier_make(campaign=campaign, actor=admin_a, minimum=2_500)
        with pytest.raises(ValidationError, match="minimum for this reward is 25.00"):
            services.pledge_create(backer=backer, campaign=campaign, amount=2_499, tier_id=tier.public_id)
        with pytest.raises(ValidationError, match="minimum for a pledge is 1.00"):
            services.pledge_create(backer=backer, campaign=campaign, amount=99)
        services.settings_update(actor=admin_a, require_review=False, instructors_may_manage=False, minimum_pledge=500)
        with pytest.raises(ValidationError, match="minimum for a pledge is 5.00"):
            services.pledge_create(backer=backer, campaign=campaign, amount=499)
        pledge = services.pledge_create(backer=backer, campaign=campaign, amount=500)
        assert pledge.status == Pledge.Status.PENDING_CARD and pledge.currency == campaign.currency


def test_no_pledges_on_draft_or_ended_campaigns(site_a, admin_a):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        draft = campaign_make(actor=admin_a, live=False)
        with pytest.raises(ValidationError, match="not taking pledges"):
            services.pledge_create(backer=backer, campaign=draft, amount=1_000)
        ended = deadline_pass(campaign_make(actor=admin_a))
        with pytest.raises(ValidationError, match="not taking pledges"):
            services.pledge_create(backer=backer, campaign=ended, amount=1_000)


def test_change_and_cancel_free_the_place_and_only_while_live(site_a, admin_a):
    with site_a:
        backer, other = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a)
        limited = tier_make(campaign=campaign, actor=admin_a, minimum=2_000, quantity=1, title="Limited")
        open_tier = tier_make(campaign=campaign, actor=admin_a, minimum=1_000, title="Open")
        pledge = pledge_active(campaign=campaign, backer=backer, amount=2_000, tier=limited)
        with pytest.raises(ValidationError, match="sold out"):
            services.pledge_create(backer=other, campaign=campaign, amount=2_000, tier_id=limited.public_id)
        with pytest.raises(PermissionDenied):
            services.pledge_cancel(pledge=pledge, backer=other)
        services.pledge_change(pledge=pledge, backer=backer, amount=1_500, tier_id=open_tier.public_id)
        limited.refresh_from_db()
        assert limited.quantity_claimed == 0
        taken = services.pledge_create(backer=other, campaign=campaign, amount=2_000, tier_id=limited.public_id)
        services.pledge_cancel(pledge=taken, backer=other)
        limited.refresh_from_db()
        assert limited.quantity_claimed == 0
        deadline_pass(campaign)
        with pytest.raises(ValidationError, match="has ended"):
            services.pledge_change(pledge=pledge, backer=backer, amount=5_000)
        with pytest.raises(ValidationError, match="has ended"):
            services.pledge_cancel(pledge=pledge, backer=backer)


def test_one_open_pledge_per_backer_and_a_stale_pending_one_is_replaced(site_a, admin_a):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a)
        tier = tier_make(campaign=campaign, actor=admin_a, quantity=5)
        first = services.pledge_create(backer=backer, campaign=campaign, amount=3_000, tier_id=tier.public_id)
        second = services.pledge_create(backer=backer, campaign=campaign, amount=3_000, tier_id=tier.public_id)
        first.refresh_from_db(), tier.refresh_from_db()
        assert first.status == Pledge.Status.CANCELLED and tier.quantity_claimed == 1
        Pledge.objects.filter(pk=second.pk).update(status=Pledge.Status.ACTIVE)
        with pytest.raises(ValidationError, match="already back"):
            services.pledge_create(backer=backer, campaign=campaign, amount=3_000)


def test_closed_tier_takes_no_new_pledges_and_keeps_its_backers(site_a, admin_a):
    with site_a:
        backer, other = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a)
        tier = tier_make(campaign=campaign, actor=admin_a)
        pledge = pledge_active(campaign=campaign, backer=backer, tier=tier)
        services.tier_close(tier=tier, actor=admin_a)
        with pytest.raises(ValidationError, match="closed"):
            services.pledge_create(backer=other, campaign=campaign, amount=5_000, tier_id=tier.public_id)
        pledge.refresh_from_db()
        assert pledge.tier_id == tier.pk
        services.pledge_change(pledge=pledge, backer=backer, amount=6_000, tier_id=tier.public_id)  # keeps it


def test_cancelling_a_campaign_cancels_open_pledges(site_a, admin_a):
    with site_a:
        backer = site_a.make_user("learner")
    with site_a:
        campaign = campaign_make(actor=admin_a)
        pledge = pledge_active(campaign=campaign, backer=backer)
        services.campaign_cancel(campaign=campaign, actor=admin_a)
        pledge.refresh_from_db()
        assert pledge.status == Pledge.Status.CANCELLED


def test_stretch_goal_above_goal_and_story_sanitised(site_a, admin_a):
    from crowdfunding.markdown import render_markdown

    with site_a:
        campaign = campaign_make(actor=admin_a, goal=1_000)
        with pytest.raises(ValidationError, match="above the campaign's goal"):
            services.stretch_goal_add(campaign=campaign, actor=admin_a, amount=1_000, text="More")
        services.stretch_goal_add(campaign=campaign, actor=admin_a, amount=2_000, text="More")
    html = render_markdown("<script>alert(1)</script>[x](javascript:alert(1)) **b**")
    assert "<script" not in html and "javascript:" not in html and "<strong>b</strong>" in html


def test_cover_must_be_an_image(site_a, admin_a, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.accounts.tests.manage_helpers import png_bytes

    settings.MEDIA_ROOT = tmp_path
    with site_a:
        campaign = campaign_make(actor=admin_a, live=False)
        with pytest.raises(ValidationError, match="PNG, JPEG or WebP"):
            services.cover_set(campaign=campaign, upload=SimpleUploadedFile("x.png", b"%PDF-1.4"), actor=admin_a)
        services.cover_set(campaign=campaign, upload=SimpleUploadedFile("c.png", png_bytes()), actor=admin_a)
        campaign.refresh_from_db()
        assert campaign.cover.name.endswith(".png")
