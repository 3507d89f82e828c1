"""Real races against PostgreSQL (committed data, one connection per thread): the same payment
event delivered five times at once, and buyers racing for the last uses of a coupon."""
from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from billing import webhooks
from billing.commerce import services
from billing.commerce.models import Coupon, LedgerEntry, LedgerTransaction, Order, Refund
from billing.models import ConnectedAccount, StripeEvent
from billing.stripe_fake import CARD_SUCCEEDS
from billing.testing import signature_header, webhook_url
from billing.tests.commerce_helpers import session_id_of, shop_open
from tests.concurrency import race


@pytest.fixture
def committed_site(committed_db):
    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


def _cleanup(site, shop, users):
    from lms.courses.models import Course, Enrollment

    with site:
        orders = Order.objects.filter(product_ref=shop.ref)
        LedgerEntry.objects.filter(transaction__order__in=orders).delete()
        LedgerTransaction.objects.filter(order__in=orders).delete()
        Refund.objects.filter(order__in=orders).delete()
        orders.delete()
        Coupon.objects.filter(code__startswith="RACE").delete()
        Enrollment.objects.filter(course=shop.course).delete()
        Course.objects.filter(pk=shop.course.pk).delete()
        User.objects.filter(pk__in=[u.pk for u in users]).delete()
    StripeEvent.objects.filter(payload__data__object__metadata__tenant_schema=site.tenant.schema_name).delete()
    ConnectedAccount.objects.filter(tenant=site.tenant).delete()


def test_the_same_event_five_times_at_once_gives_one_enrollment_and_one_ledger_set(committed_site, stripe_fake):
    from lms.courses.models import Enrollment

    site = committed_site
    author = site.make_user("instructor")
    shop = shop_open(site, stripe_fake, author, slug="race-pottery")
    try:
        with site:
            order, url = services.order_start(buyer=shop.learner, kind="course", ref=shop.ref,
                                              success_url="https://acme/ok", cancel_url="https://acme/no")
        assert stripe_fake.checkout_pay(session_id_of(url), CARD_SUCCEEDS)["outcome"] == "succeeded"
        completed = next(e for e in stripe_fake.events if e["type"] == "checkout.session.completed")
        payload = json.dumps(completed)

        def deliver(i):
            connection.set_schema_to_public()
            response = Client(HTTP_HOST=settings.PLATFORM_DOMAIN).post(
                webhook_url(), data=payload, content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature_header(payload))
            row = StripeEvent.objects.get(stripe_id=completed["id"])
            # A Celery worker of this test session (if one runs) may hold the row: "locked" means
            # another process has it, so wait for it to let go, as the beat sweep would.
            deadline = time.monotonic() + 30
            outcome = webhooks.event_process(row.pk, force=True)
            while outcome == "locked" and time.monotonic() < deadline:
                time.sleep(0.05)
                outcome = webhooks.event_process(row.pk, force=True)
            return response.status_code, outcome

        results = race(deliver, 5)
        assert [r[0] for r in results] == [200] * 5, results
        assert StripeEvent.objects.filter(stripe_id=completed["id"]).count() == 1
        with site:
            assert Enrollment.objects.filter(course=shop.course, learner=shop.learner).count() == 1
            assert LedgerTransaction.objects.filter(order=order).count() == 1
            assert LedgerEntry.objects.filter(transaction__order=order).count() == 4
            assert Order.objects.get(pk=order.pk).status == "paid"
    finally:
        _cleanup(site, shop, [author, shop.learner])


def test_buyers_racing_for_a_coupon_never_exceed_its_usage_limit(committed_site, stripe_fake):
    site = committed_site
    author = site.make_user("instructor")
    shop = shop_open(site, stripe_fake, author, slug="race-coupon")
    buyers = [site.make_user("learner") for _ in range(10)]
    try:
        with site:
            services.coupon_create(code="RACE3", kind="percent", percent_off=25, max_redemptions=3)

        def buy(i):
            return services.order_start(buyer=User.objects.get(pk=buyers[i].pk), kind="course", ref=shop.ref,
                                        coupon_code="race3", success_url="https://acme/ok", cancel_url="https://acme/no")

        results = race(buy, len(buyers), tenant=site.tenant)
        placed = [r for r in results if isinstance(r, tuple)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(placed) == 3 and len(refused) == 7, results
        assert all("has been used up" in " ".join(r.messages) for r in refused)
        with site:
            assert Coupon.objects.get(code="RACE3").times_redeemed == 3
            assert Order.objects.filter(coupon_code="RACE3").count() == 3
    finally:
        _cleanup(site, shop, [author, shop.learner, *buyers])
