"""The fake answers stripe-python the way Stripe does (through the real StripeClient)."""
import pytest

from billing import gateway
from billing.stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS, decode_params


def _payment_session(fake, amount=1500, currency="usd", key="order-1-checkout", fee=None):
    params = {
        "mode": "payment", "success_url": "https://acme.test/ok?s={CHECKOUT_SESSION_ID}", "cancel_url": "https://acme.test/no",
        "line_items": [{"price_data": {"currency": currency, "unit_amount": amount, "product_data": {"name": "Course"}},
                        "quantity": 1}],
        "metadata": {"tenant_schema": "t_acme", "order": "1"},
    }
    if fee is not None:
        params["payment_intent_data"] = {"application_fee_amount": fee, "transfer_data": {"destination": "acct_x"}}
    return gateway.checkout_session_create(params=params, idempotency=key)


def test_decode_params_nested_lists():
    assert decode_params("a[b][0][c]=1&a[b][1][c]=2&expand[0]=x&m[k]=v") == {
        "a": {"b": [{"c": "1"}, {"c": "2"}]}, "expand": ["x"], "m": {"k": "v"}}


def test_idempotency_key_returns_the_first_answer(stripe_fake):
    first = _payment_session(stripe_fake)
    second = _payment_session(stripe_fake, amount=999)
    assert second.id == first.id and second.amount_total == 1500
    assert _payment_session(stripe_fake, key="order-2-checkout").id != first.id


def test_successful_card_charges_with_a_processor_fee(stripe_fake):
    session = _payment_session(stripe_fake, amount=10000, fee=500)
    assert stripe_fake.checkout_pay(session.id, CARD_SUCCEEDS)["outcome"] == "succeeded"
    session = gateway.checkout_session_retrieve(session.id)
    assert (session.status, session.payment_status) == ("complete", "paid")
    intent = gateway.payment_intent_retrieve(session.payment_intent)
    assert intent.latest_charge.balance_transaction.fee == 290 + 30
    assert intent.latest_charge.application_fee_amount == 500
    assert [e["type"] for e in stripe_fake.events] == ["checkout.session.completed", "payment_intent.succeeded"]


def test_declined_card_leaves_the_session_open(stripe_fake):
    session = _payment_session(stripe_fake)
    result = stripe_fake.checkout_pay(session.id, CARD_DECLINED)
    assert result == {"outcome": "declined", "message": "Your card was declined."}
    assert gateway.checkout_session_retrieve(session.id).status == "open"
    assert not stripe_fake.events_of("checkout.session.completed")


def test_authentication_required_then_approved(stripe_fake):
    session = _payment_session(stripe_fake)
    assert stripe_fake.checkout_pay(session.id, CARD_REQUIRES_AUTH)["outcome"] == "requires_action"
    assert not stripe_fake.events_of("checkout.session.completed")
    assert stripe_fake.checkout_authenticate(session.id, approve=True)["outcome"] == "succeeded"
    assert len(stripe_fake.events_of("checkout.session.completed")) == 1


def test_zero_decimal_currency_fee_has_no_fixed_cents(stripe_fake):
    session = _payment_session(stripe_fake, amount=5000, currency="jpy")
    stripe_fake.checkout_pay(session.id, CARD_SUCCEEDS)
    intent = gateway.payment_intent_retrieve(gateway.checkout_session_retrieve(session.id).payment_intent)
    assert intent.latest_charge.balance_transaction.fee == 145


def test_refund_limits_and_errors_reach_the_caller_as_stripe_errors(stripe_fake):
    session = _payment_session(stripe_fake, amount=2000, fee=200)
    stripe_fake.checkout_pay(session.id, CARD_SUCCEEDS)
    intent_id = gateway.checkout_session_retrieve(session.id).payment_intent
    refund = gateway.refund_create(payment_intent=intent_id, amount=500, metadata={}, idempotency="r1", destination=True)
    assert (refund.amount, refund.application_fee_refunded) == (500, 50)
    with pytest.raises(gateway.InvalidRequestError, match="greater than unrefunded"):
        gateway.refund_create(payment_intent=intent_id, amount=1501, metadata={}, idempotency="r2", destination=True)


def test_subscription_checkout_trial_renewal_failure_and_cancel(stripe_fake):
    customer = gateway.customer_create(email="a@acme.test", name="Acme", metadata={}, idempotency="cus-acme")
    session = gateway.checkout_session_create(params={
        "mode": "subscription", "customer": customer.id, "success_url": "https://x/ok", "cancel_url": "https://x/no",
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 4900, "recurring": {"interval": "month"},
                                       "product_data": {"name": "Pro"}}, "quantity": 1}],
        "subscription_data": {"trial_period_days": 14, "metadata": {"tenant": "acme"}},
    }, idempotency="sub-1")
    stripe_fake.checkout_pay(session.id, CARD_SUCCEEDS)
    subscription = gateway.subscription_retrieve(gateway.checkout_session_retrieve(session.id).subscription)
    assert subscription.status == "trialing" and subscription.metadata["tenant"] == "acme"
    stripe_fake.subscription_renew(subscription.id, succeed=False)
    assert gateway.subscription_retrieve(subscription.id).status == "past_due"
    assert stripe_fake.events_of("invoice.payment_failed")
    invoices = gateway.invoice_list(customer=customer.id)
    assert [i.status for i in invoices.data] == ["open", "paid"]
    gateway.subscription_cancel(subscription.id, idempotency="cancel-1")
    assert gateway.subscription_retrieve(subscription.id).status == "canceled"


def test_connect_onboarding_emits_account_updated_for_the_account(stripe_fake):
    account = gateway.account_create(email="f@acme.test", country="US", currency="USD", metadata={}, idempotency="acct-1")
    link = gateway.account_link_create(account=account.id, refresh_url="https://x/r", return_url="https://x/ok")
    assert link.url.startswith("https://simulator.test/connect/")
    stripe_fake.account_onboard(account.id)
    event = stripe_fake.events_of("account.updated")[-1]
    assert event["account"] == account.id and event["data"]["object"]["charges_enabled"] is True
