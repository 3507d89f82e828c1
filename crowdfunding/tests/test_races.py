"""Real races against PostgreSQL (committed data, one connection per thread): 30 backers at once
for a reward with 10 places left get exactly 10 pledges; the others are told it is sold out."""
from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from crowdfunding import services
from crowdfunding.models import Campaign, Pledge, RewardTier, StretchGoal
from crowdfunding.tests.helpers import campaign_make, tier_make
from tests.concurrency import race


@pytest.fixture
def committed_site(committed_db):
    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


def test_thirty_backers_for_ten_places_exactly_ten_succeed(committed_site):
    site = committed_site
    tag = secrets.token_hex(3)
    backers = [site.make_user("learner", email=f"race-{tag}-{i}@acme.test") for i in range(30)]
    with site:
        admin = User.objects.get(username="admin@acme.test")
        campaign = campaign_make(actor=admin, title=f"Race {tag}")
        tier = tier_make(campaign=campaign, actor=admin, minimum=1_000, quantity=12)
        RewardTier.objects.filter(pk=tier.pk).update(quantity_claimed=2)  # 10 left
    try:
        def pledge(i):
            try:
                return services.pledge_create(backer=backers[i], campaign=campaign, amount=1_000,
                                              tier_id=tier.public_id).pk
            except ValidationError as exc:
                return exc

        results = race(pledge, 30, tenant=site.tenant)
        made = [r for r in results if isinstance(r, int)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(made) == 10 and len(refused) == 20, results
        assert all(services.SOLD_OUT in r.messages for r in refused)
        with site:
            tier.refresh_from_db()
            assert tier.quantity_claimed == 12 and Pledge.objects.filter(tier=tier).count() == 10
            # a cancelled pledge frees its place for the next backer
            first = Pledge.objects.select_related("backer").get(pk=made[0])
            services.pledge_cancel(pledge=first, backer=first.backer)
            loser = next(b for b in backers if not Pledge.objects.filter(backer=b).exists())
            services.pledge_create(backer=loser, campaign=campaign, amount=1_000, tier_id=tier.public_id)
            with pytest.raises(ValidationError, match="sold out"):
                other = next(b for b in backers if not Pledge.objects.filter(backer=b).exists())
                services.pledge_create(backer=other, campaign=campaign, amount=1_000, tier_id=tier.public_id)
    finally:
        with site:
            Pledge.objects.filter(campaign=campaign).delete()
            RewardTier.objects.filter(campaign=campaign).delete()
            StretchGoal.objects.filter(campaign=campaign).delete()
            Campaign.objects.filter(pk=campaign.pk).delete()
            User.objects.filter(pk__in=[b.pk for b in backers]).delete()
