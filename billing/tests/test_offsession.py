"""Charging saved cards off-session (pledges): outcomes by the card saved, exactly once per key, ledgered."""
from __future__ import annotations

import pytest

from billing import gateway
from billing.api import saved_card_charge, saved_card_refund
from billing.commerce import ledger
from billing.commerce.models import LedgerEntry, LedgerTransaction
from billing.stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS
from billing.testing import connected_account_make

pytestmark = pytest.mark.django_db


def _saved_card(fake, card: str) -> tuple[str, str]:
    customer = gateway.customer_create(email="backer@acme.test", name="Backer", metadata={}, idempotency=f"cus-{card}")
    session = gateway.checkout_session_create(params={
        "mode": "setup", "customer": customer.id, "success_url": "https://acme/ok", "cancel_url": "https://acme/no",
        "metadata": {"kind": "pledge"}}, idempotency=f"setup-{card}")
    assert fake.checkout_pay(session.id, card)["outcome"] == "succeeded"
    setup = gateway.setup_intent_retrieve(fake.objects[session.id]["setup_intent"])
    return customer.id, setup.payment_method


def _charge(site, fake, card, key="pledge-1-collect", amount=10000):
    customer, method = _saved_card(fake, card)
    with site:
        return saved_card_charge(amount=amount, currency="USD", customer=customer, payment_method=method,
                                 idempotency=key, metadata={"pledge_id": "1"}, description="Pledge to a campaign",
                                 buyer=site.make_user("learner"), product_kind="pledge", product_ref="p1")


def test_a_saved_card_is_charged_once_per_key_and_ledgered(site_a, stripe_fake):
    connected_account_make(site_a.tenant)
    customer, method = _saved_card(stripe_fake, CARD_SUCCEEDS)
    backer = site_a.make_user("learner")
    with site_a:
        first = saved_card_charge(amount=10000, currency="USD", customer=customer, payment_method=method,
                                  idempotency="pledge-7-collect", metadata={"pledge_id": "7"}, description="Pledge",
                                  buyer=backer, product_kind="pledge", product_ref="p7")
        again = saved_card_charge(amount=10000, currency="USD", customer=customer, payment_method=method,
                                  idempotency="pledge-7-collect", metadata={"pledge_id": "7"}, description="Pledge",
                                  buyer=backer, product_kind="pledge", product_ref="p7")
        assert first.status == again.status == "succeeded" and first.payment_intent_id == again.payment_intent_id
        assert len([r for r in stripe_fake.requests if r["path"] == "/v1/payment_intents" and r["method"] == "POST"]) == 2
        assert len([o for o in stripe_fake.objects.values() if o.get("object") == "charge"]) == 1  # Stripe replayed the key
        assert LedgerTransaction.objects.filter(reference=first.payment_intent_id).count() == 1
        from billing.commerce.models import Order

        order = Order.objects.get(stripe_payment_intent_id=first.payment_intent_id)
        assert (order.number, order.status, order.total_amount, order.buyer_id) == (first.order_number, "paid", 10000, backer.pk)
        assert first.order_number == again.order_number
        entries = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction__reference=first.payment_intent_id)}
        assert entries == {"customer": -10000, "institution": 9500, "platform": 500 - 320, "processor_fees": 320}
        intent = stripe_fake.objects[first.payment_intent_id]
        assert intent["transfer_data"] == {"destination": "acct_test_acme"} and intent["application_fee_amount"] == 500
        refund_id = saved_card_refund(payment_intent_id=first.payment_intent_id, amount=4000, currency="USD",
                                      application_fee=500, total=10000, idempotency="pledge-7-refund",
                                      metadata={"pledge_id": "7"}, memo="Refund of a pledge")
        refund = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction__reference=refund_id)}
        assert refund == {"customer": 4000, "institution": -3800, "platform": -200}
        assert ledger.unbalanced_transactions() == []


@pytest.mark.parametrize("card, status", [(CARD_DECLINED, "declined"), (CARD_REQUIRES_AUTH, "authentication_required")])
def test_declined_and_authentication_required_cards_charge_nothing(site_a, stripe_fake, card, status):
    connected_account_make(site_a.tenant)
    result = _charge(site_a, stripe_fake, card)
    assert result.status == status and result.payment_intent_id.startswith("pi_") and result.message
    with site_a:
        assert not LedgerTransaction.objects.exists()


def test_without_a_connect_account_nothing_is_attempted(site_a, stripe_fake):
    result = _charge(site_a, stripe_fake, CARD_SUCCEEDS)
    assert result.status == "unavailable"
    assert not [r for r in stripe_fake.requests if r["path"] == "/v1/payment_intents"]
