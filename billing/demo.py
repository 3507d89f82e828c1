"""Demo data for local runs (`seed_demo`): plans (settings.PLATFORM_DEMO_STEPS) and, for each demo
institution, a connected account that is ready (bootstrap step). Idempotent."""
from __future__ import annotations

from django.conf import settings

from .models import ConnectedAccount, Plan

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


def demo_connected_account(bootstrap) -> None:
    """Bootstrap step (tenants/bootstrap.py): a demo institution can sell its priced demo courses.

    Only when no Stripe key is configured (`make run` with the payment simulator): the account
    is made up (`acct_demo_<slug>`), marked ready as if onboarding were done. With a key the
    demo institution connects through the Billing page like any other, and its priced demo
    course stays a draft until then (lms/demo.py)."""
    if not bootstrap.demo or settings.STRIPE_SECRET_KEY:
        return
    ConnectedAccount.objects.get_or_create(tenant=bootstrap.tenant, defaults={
        "stripe_account_id": f"acct_demo_{bootstrap.tenant.slug}"[:255], "charges_enabled": True,
        "payouts_enabled": True, "details_submitted": True, "requirements_due": [],
    })
