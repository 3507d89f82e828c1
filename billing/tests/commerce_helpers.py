"""A shop on the test institution acme: a ready Connect account in the fake Stripe, a priced
published course, a learner; plus delivering the fake's events as signed webhooks."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from billing import gateway, webhooks
from billing.models import ConnectedAccount, StripeEvent
from billing.testing import webhook_post


@dataclass
class Shop:
    site: object
    fake: object
    course: object
    learner: object
    account_id: str

    @property
    def ref(self) -> str:
        return str(self.course.uuid)


def shop_open(site, fake, author, *, price=4900, currency="USD", title="Paid Pottery", slug="paid-pottery") -> Shop:
    from lms.courses.tests.factories import build_published_course
    from tenants.middleware import routing_cache_clear
    from tenants.models import Tenant

    if site.tenant.currency != currency:  # the institution prices in one currency, chosen at sign-up
        Tenant.objects.filter(pk=site.tenant.pk).update(currency=currency)
        site.tenant.currency = currency
        routing_cache_clear()

    account = gateway.account_create(email=f"finance@{site.tenant.slug}.test", country="US", currency=currency,
                                     metadata={"tenant_id": str(site.tenant.pk)}, idempotency=f"acct-{site.tenant.pk}")
    fake.account_onboard(account.id)
    ConnectedAccount.objects.update_or_create(tenant=site.tenant, defaults=dict(
        stripe_account_id=account.id, charges_enabled=True, payouts_enabled=True, details_submitted=True))
    with site:
        course = build_published_course(author=author, title=title, slug=slug, price_amount=price, price_currency=currency)
    learner = site.make_user("learner")
    return Shop(site=site, fake=fake, course=course, learner=learner, account_id=account.id)


def deliver(public_client, fake, since: int = 0, *, times: int = 1) -> int:
    """POST the fake's events from index `since` (each `times` times) and process them."""
    for event in fake.events[since:]:
        for _ in range(times):
            assert webhook_post(public_client, event).status_code == 200
    for row_id in StripeEvent.objects.filter(status=StripeEvent.Status.PENDING).order_by("received_at").values_list("pk", flat=True):
        webhooks.event_process(row_id)
    return len(fake.events)


def session_id_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture
def shop(site_a, stripe_fake, admin_a):
    return shop_open(site_a, stripe_fake, admin_a)
