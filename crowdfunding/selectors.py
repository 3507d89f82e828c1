"""Reads of crowdfunding: public listings, a campaign's page figures in constant queries, pledges."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from billing.api import money

from .models import Campaign, Pledge, RewardTier
from .services import can_manage_campaigns, is_tenant_admin

PUBLIC_STATES = (Campaign.State.LIVE, Campaign.State.SUCCESSFUL, Campaign.State.FAILED, Campaign.State.SETTLED)
# Pledges that count towards the goal: card saved (and, after settlement, collected).
COUNTED = (Pledge.Status.ACTIVE, Pledge.Status.COLLECTED)


def with_totals(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    counted = Q(pledges__status__in=COUNTED)
    return qs.annotate(pledged_total=Coalesce(Sum("pledges__amount", filter=counted), 0),
                       backers_total=Count("pledges__backer", filter=counted, distinct=True))


def campaign_list_public() -> QuerySet[Campaign]:
    """Live campaigns first, then finished ones; with their totals (one query)."""
    return with_totals(Campaign.objects.filter(state__in=PUBLIC_STATES)).order_by("state", "deadline")


def campaign_get_public(*, slug: str) -> Campaign | None:
    return (Campaign.objects.filter(slug=slug, state__in=PUBLIC_STATES)
            .prefetch_related("stretch_goals", "faq",
                              Prefetch("tiers", queryset=RewardTier.objects.order_by("minimum_amount", "pk")))
            .first())


def campaign_get_public_row(*, slug: str) -> Campaign | None:
    """The campaign alone (the page's cached body needs nothing more); see campaign_page_parts."""
    return Campaign.objects.filter(slug=slug, state__in=PUBLIC_STATES).first()


def campaign_page_parts(campaign: Campaign) -> Campaign:
    """Its stretch goals, FAQ and tiers (cheapest first), one query each."""
    prefetch_related_objects([campaign], "stretch_goals", "faq",
                             Prefetch("tiers", queryset=RewardTier.objects.order_by("minimum_amount", "pk")))
    return campaign


def campaign_ended(campaign: Campaign, now: datetime | None = None) -> bool:
    """No longer taking pledges: not live, or past its deadline (settlement may not have run yet)."""
    return not campaign.is_live or campaign.deadline <= (now or timezone.now())


def campaign_totals(campaign: Campaign) -> dict:
    """{"pledged", "backers"} aggregated in SQL: one query whatever the number of backers."""
    row = Pledge.objects.filter(campaign=campaign, status__in=COUNTED).aggregate(
        pledged=Coalesce(Sum("amount"), 0), backers=Count("backer", distinct=True))
    return row


def campaigns_for_staff(*, user) -> QuerySet[Campaign]:
    """Every campaign for administrators; an allowed instructor's own."""
    qs = with_totals(Campaign.objects.all())
    if is_tenant_admin(user):
        return qs
    if can_manage_campaigns(user):
        return qs.filter(created_by=user)
    return qs.none()


def campaign_for_staff(*, user, slug: str) -> Campaign | None:
    return campaigns_for_staff(user=user).filter(slug=slug).first()


def pledges_of_backer(*, user) -> QuerySet[Pledge]:
    return Pledge.objects.filter(backer=user).select_related("campaign", "tier").order_by("-created_at")


def pledge_of_backer(*, user, public_id) -> Pledge | None:
    return pledges_of_backer(user=user).filter(public_id=public_id).first()


def open_pledge_of(*, user, campaign: Campaign) -> Pledge | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Pledge.objects.filter(backer=user, campaign=campaign, status__in=Pledge.OPEN).select_related("tier").first()


@dataclass
class Progress:
    pledged: str
    goal: str
    percent: int
    bar_percent: int
    backers: int
    time_left: str
    ended: bool


def time_left(deadline: datetime, now: datetime | None = None) -> str:
    seconds = int((deadline - (now or timezone.now())).total_seconds())
    if seconds <= 0:
        return "Ended"
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    if days >= 2:
        return f"{days} days left"
    if days == 1:
        return f"1 day {hours} h left"
    if hours:
        return f"{hours} h left"
    return f"{max(1, rest // 60)} min left"


def progress_of(campaign: Campaign, *, pledged: int, backers: int) -> Progress:
    percent = pledged * 100 // campaign.goal_amount if campaign.goal_amount else 0
    return Progress(pledged=money.format_minor(pledged, campaign.currency),
                    goal=money.format_minor(campaign.goal_amount, campaign.currency),
                    percent=percent, bar_percent=min(100, percent), backers=backers,
                    time_left=time_left(campaign.deadline) if campaign.is_live else campaign.get_state_display(),
                    ended=campaign_ended(campaign))
