"""Demo plans for local runs (`seed_demo`, via settings.PLATFORM_DEMO_STEPS). Idempotent."""
from __future__ import annotations

from .models import Plan

PLANS = [
    dict(code="free", name="Free", price_amount=0, max_learners=50, max_courses=3, storage_mb=500, max_staff=3,
         sort_order=0, description="Try EduCrowd with a small group.", features={}),
    dict(code="growth", name="Growth", price_amount=4900, max_learners=1000, max_courses=50, storage_mb=10240,
         max_staff=25, sort_order=1, description="For growing schools.",
         features={"crowdfunding": True, "certificates": True, "api_access": True}),
    dict(code="scale", name="Scale", price_amount=19900, max_learners=None, max_courses=None, storage_mb=102400,
         max_staff=None, sort_order=2, description="Unlimited learners, courses and staff; custom domains.",
         features={"crowdfunding": True, "certificates": True, "api_access": True, "custom_domain": True, "sso": True,
                   "branding_removal": True}),
]


def demo_plans_ensure() -> None:
    for plan in PLANS:
        Plan.objects.get_or_create(code=plan["code"], defaults=plan)
