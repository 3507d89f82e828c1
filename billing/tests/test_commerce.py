"""Learners pay the institution: buy → Stripe Checkout → webhook → one idempotent fulfilment."""
from __future__ import annotations

import pytest

from billing.commerce import ledger
from billing.commerce.models import LedgerEntry, LedgerTransaction, Order
from billing.stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS
from billing.tests.commerce_helpers import deliver, session_id_of, shop  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _enrollment(shop):
    from lms.courses.models import Enrollment

    with shop.site:
        return Enrollment.objects.filter(course=shop.course, learner=shop.learner).first()


def _buy(shop, client, coupon=""):
    response = client.post(f"/billing/buy/course/{shop.ref}/", {"coupon": coupon})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith("https://simulator.test/checkout/cs_")
    with shop.site:
        order = Order.objects.get(stripe_checkout_session_id=session_id_of(response["Location"]))
    return order, session_id_of(response["Location"])


def test_course_page_sends_the_learner_to_buy_and_only_the_webhook_enrolls(shop, public_client):
    client = shop.site.client(shop.learner)
    page = client.get(f"/courses/{shop.course.slug}/")
    assert "Buy for 49.00 USD" in page.content.decode()
    enroll = client.post(f"/courses/{shop.course.slug}/enroll")
    assert enroll.status_code == 302 and enroll["Location"] == f"/billing/buy/course/{shop.ref}/"
    buy_page = client.get(enroll["Location"])
    assert buy_page.status_code == 200 and "Pay 49.00 USD" in buy_page.content.decode()

    order, session_id = _buy(shop, client)
    session = shop.fake.objects[session_id]
    assert session["metadata"] == {"kind": "learner_order", "tenant_schema": shop.site.tenant.schema_name, "order_id": str(order.public_id),
                                   "order_number": order.number}
    intent_data = session["payment_intent_data"]
    assert intent_data["transfer_data"] == {"destination": shop.account_id}
    assert int(intent_data["application_fee_amount"]) == 245  # 5 % of 4900

    assert shop.fake.checkout_pay(session_id, CARD_SUCCEEDS)["outcome"] == "succeeded"
    waiting = client.get(f"/billing/orders/{order.public_id}/?paid=1")
    assert "Confirming your payment" in waiting.content.decode() and 'hx-trigger="every 2s"' in waiting.content.decode()
    assert _enrollment(shop) is None  # paid at Stripe, but nothing until the webhook says so

    deliver(public_client, shop.fake)
    enrollment = _enrollment(shop)
    assert enrollment is not None and enrollment.source == "payment" and enrollment.status == "active"
    poll = client.get(f"/billing/orders/{order.public_id}/", HTTP_HX_REQUEST="true")
    assert 'data-state="paid"' in poll.content.decode() and "hx-trigger" not in poll.content.decode()
    with shop.site:
        order.refresh_from_db()
        assert order.status == "paid" and order.fulfilled_at and order.processor_fee_amount == 172  # 2.9 % + 30
        assert ledger.unbalanced_transactions() == []
        figures = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction__order=order)}
    assert figures == {"customer": -4900, "institution": 4655, "platform": 73, "processor_fees": 172}


def test_same_event_five_times_concurrently_gives_one_enrollment_and_one_ledger_set(shop, public_client):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client)
    shop.fake.checkout_pay(session_id, CARD_SUCCEEDS)
    deliver(public_client, shop.fake, times=5)
    with shop.site:
        assert LedgerTransaction.objects.filter(order=order).count() == 1
        assert Order.objects.get(pk=order.pk).status == "paid"
    assert _enrollment(shop).source == "payment"


def test_declined_card_enrolls_nobody_and_the_learner_is_told(shop, public_client):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client)
    outcome = shop.fake.checkout_pay(session_id, CARD_DECLINED)
    assert outcome["outcome"] == "declined"
    deliver(public_client, shop.fake)
    assert _enrollment(shop) is None
    back = client.get(f"/billing/orders/{order.public_id}/?canceled=1").content.decode()
    assert "The payment was not completed: Your card was declined." in back and "Try again" in back
    with shop.site:
        assert not LedgerTransaction.objects.exists()


def test_authentication_required_card_waits_for_the_learner_to_authenticate(shop, public_client):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client)
    assert shop.fake.checkout_pay(session_id, CARD_REQUIRES_AUTH)["outcome"] == "requires_action"
    n = deliver(public_client, shop.fake)
    assert _enrollment(shop) is None
    assert shop.fake.checkout_authenticate(session_id, approve=True)["outcome"] == "succeeded"
    deliver(public_client, shop.fake, n)
    assert _enrollment(shop).source == "payment"


def test_delayed_payment_succeeds_or_fails_by_its_async_event(shop, public_client, site_a):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client)
    shop.fake.checkout_pay_delayed(session_id)
    n = deliver(public_client, shop.fake)
    with shop.site:
        order.refresh_from_db()
    assert order.status == "pending" and "processing" in order.failure_message and _enrollment(shop) is None
    shop.fake.checkout_delayed_settle(session_id, succeed=True)
    deliver(public_client, shop.fake, n)
    assert _enrollment(shop).source == "payment"

    other = site_a.make_user("learner")
    shop.learner = other
    order2, session2 = _buy(shop, site_a.client(other))
    shop.fake.checkout_pay_delayed(session2)
    n = deliver(public_client, shop.fake, n)
    shop.fake.checkout_delayed_settle(session2, succeed=False)
    deliver(public_client, shop.fake, n)
    with shop.site:
        order2.refresh_from_db()
    assert order2.status == "failed" and _enrollment(shop) is None


def test_events_in_reverse_order_reach_paid(shop, public_client):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client)
    shop.fake.checkout_pay(session_id, CARD_REQUIRES_AUTH)
    shop.fake.checkout_authenticate(session_id, approve=True)
    from billing.testing import webhook_post
    from billing import webhooks
    from billing.models import StripeEvent

    for event in reversed(shop.fake.events):
        webhook_post(public_client, event)
    for row_id in StripeEvent.objects.order_by("-received_at").values_list("pk", flat=True):
        webhooks.event_process(row_id)
    with shop.site:
        order.refresh_from_db()
    assert order.status == "paid" and _enrollment(shop).source == "payment"
