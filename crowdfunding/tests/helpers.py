"""Factories for crowdfunding tests: campaigns made through the services, live ones back-dated."""
from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from crowdfunding import services
from crowdfunding.models import Campaign

_n = itertools.count(1)


def campaign_make(*, actor, live: bool = True, goal: int = 100_000, days: int = 30, title: str | None = None,
                  **extra) -> Campaign:
    title = title or f"Campaign {next(_n)}"
    campaign = services.campaign_create(actor=actor, title=title, pitch=f"{title} pitch", goal_amount=goal,
                                        deadline=timezone.now() + timedelta(days=days), story="**bold**", **extra)
    if live:
        campaign = services.campaign_publish(campaign=campaign, actor=actor)
    return campaign


def tier_make(*, campaign, actor, minimum: int = 2_500, quantity: int | None = None, title: str = "Mug"):
    return services.tier_create(campaign=campaign, actor=actor, title=title, minimum_amount=minimum,
                                quantity_limit=quantity)


def pledge_active(*, campaign, backer, amount: int = 5_000, tier=None):
    """A pledge whose card is saved, without Stripe (for page and rule tests)."""
    from crowdfunding.models import Pledge

    pledge = services.pledge_create(backer=backer, campaign=campaign, amount=amount,
                                    tier_id=tier.public_id if tier else None)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.ACTIVE, stripe_payment_method_id="pm_test")
    pledge.refresh_from_db()
    return pledge


def deadline_pass(campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    campaign.refresh_from_db()
    return campaign
