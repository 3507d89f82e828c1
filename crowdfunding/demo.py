"""Demo campaigns for the run command's institutions: a live campaign with rewards, a stretch
goal and questions, and a scholarship campaign funding seats in a demo course. Idempotent."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from django.core.exceptions import ValidationError

from billing.api import SaleNotReady, plan_feature_enabled

from . import services
from .models import Campaign
from .seats import seat_target_choices


def demo_campaigns_bootstrap(bootstrap) -> None:
    """Bootstrap step (tenants/bootstrap.py): a demo institution with crowdfunding gets two campaigns."""
    if not bootstrap.demo or not plan_feature_enabled("crowdfunding"):
        return
    admin = User.objects.get(username=bootstrap.admin_email)
    now = timezone.now()
    if not Campaign.objects.filter(slug="new-science-lab").exists():
        lab = services.campaign_create(
            actor=admin, title="A new science lab", slug="new-science-lab", category=Campaign.Category.FACILITIES,
            pitch="Benches, microscopes and safe storage for 120 students a week.",
            story="Our old lab dates from 1972. With your help we equip a room where every student can run "
                  "their own experiments.\n\n* 12 benches\n* 24 microscopes\n* A fume cupboard",
            goal_amount=1_500_000, deadline=now + timedelta(days=30))
        services.tier_create(campaign=lab, actor=admin, title="Thank-you card", minimum_amount=2_500,
                             description="A card signed by the students.")
        services.tier_create(campaign=lab, actor=admin, title="Name on a bench", minimum_amount=25_000,
                             description="Your name engraved on one of the twelve benches.", quantity_limit=12)
        services.stretch_goal_add(campaign=lab, actor=admin, amount=2_000_000, text="A second fume cupboard.")
        services.faq_add(campaign=lab, actor=admin, question="When will the lab open?",
                         answer="At the start of next term.")
        _publish(lab, admin)
    choices = [value.split(":", 1)[1] for value, _label in seat_target_choices() if value.startswith("course:")]
    if choices and not Campaign.objects.filter(slug="scholarships-for-ten").exists():
        seats = services.campaign_create(
            actor=admin, title="Scholarships for ten", slug="scholarships-for-ten",
            category=Campaign.Category.SCHOLARSHIPS, pitch="Every 50.00 opens one more seat for a learner who cannot pay.",
            deadline=now + timedelta(days=21), seat_kind="course", seat_ref=choices[0], seat_amount=5_000,
            seats_wanted=10)
        _publish(seats, admin)


def _publish(campaign: Campaign, admin) -> None:
    """Live when the institution can take money (the demo's made-up Connect account); else a draft."""
    try:
        services.campaign_publish(campaign=campaign, actor=admin)
    except (SaleNotReady, ValidationError):
        pass
