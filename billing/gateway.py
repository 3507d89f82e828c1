"""Every call EduCrowd makes to Stripe goes through this module (stripe-python's StripeClient).

Keys come from the environment (settings.STRIPE_SECRET_KEY). Without a key, and only with
DEBUG on, the client talks to the local payment simulator (`billing.simulator`, the project's
fake Stripe served on loopback). Tests plug the same fake in at stripe-python's HTTP-client
seam with `http_client_use`. Idempotency keys are derived from our own ids by the callers
(`idempotency_key("order", order.uuid, "checkout")`), so a retried task never charges twice.
"""
from __future__ import annotations

import threading

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

StripeError = stripe.StripeError
CardError = stripe.CardError
InvalidRequestError = stripe.InvalidRequestError
SignatureVerificationError = stripe.SignatureVerificationError

_state = threading.local()
_override: dict = {"http_client": None}


def http_client_use(http_client) -> None:
    """Route every gateway call through `http_client` (a stripe.HTTPClient); None restores."""
    _override["http_client"] = http_client


def simulator_active() -> bool:
    return not settings.STRIPE_SECRET_KEY and _override["http_client"] is None


def client() -> stripe.StripeClient:
    """The StripeClient for the current settings, one per thread (it keeps its HTTP session,
    so consecutive calls reuse the connection)."""
    http_client = _override["http_client"]
    config = (id(http_client), settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE, settings.DEBUG,
              settings.STRIPE_SIMULATOR_URL)
    cached = getattr(_state, "client", None)
    if cached is not None and cached[0] == config:
        return cached[1]
    made = _client_make(http_client)
    _state.client = (config, made)
    return made


def _client_make(http_client) -> stripe.StripeClient:
    if http_client is not None:
        return stripe.StripeClient(settings.STRIPE_SECRET_KEY or "sk_test_fake", http_client=http_client,
                                   max_network_retries=0)
    if settings.STRIPE_SECRET_KEY:
        bases = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=bases, max_network_retries=2)
    if not settings.DEBUG:
        raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set (the payment simulator only runs with DEBUG on).")
    return stripe.StripeClient("sk_test_simulator", base_addresses={"api": settings.STRIPE_SIMULATOR_URL},
                               max_network_retries=0)


def idempotency_key(*parts) -> str:
    """`order-<uuid>-checkout`: the same business action always sends the same key."""
    return "-".join(str(part) for part in parts)


def _options(idempotency: str | None = None, account: str | None = None) -> dict:
    options = {}
    if idempotency:
        options["idempotency_key"] = idempotency
    if account:
        options["stripe_account"] = account
    return options


# --- customers, checkout ---------------------------------------------------------------------

def customer_create(*, email: str, name: str, metadata: dict, idempotency: str):
    return client().v1.customers.create(params={"email": email, "name": name, "metadata": metadata},
                                        options=_options(idempotency))


def checkout_session_create(*, params: dict, idempotency: str):
    return client().v1.checkout.sessions.create(params=params, options=_options(idempotency))


def checkout_session_retrieve(session_id: str):
    return client().v1.checkout.sessions.retrieve(session_id)


def checkout_session_expire(session_id: str):
    return client().v1.checkout.sessions.expire(session_id)


def setup_intent_retrieve(intent_id: str):
    """A SetupIntent (card saved for later off-session charges, e.g. crowdfunding pledges)."""
    return client().v1.setup_intents.retrieve(intent_id)


def payment_intent_retrieve(intent_id: str):
    return client().v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge.balance_transaction"]})


def payment_intent_create(*, params: dict, idempotency: str):
    """Off-session charges of saved cards (pledges): `confirm` and `off_session` set by the caller.
    A decline or a card that needs its holder raises CardError (code card_declined /
    authentication_required) with the PaymentIntent on `exc.error.payment_intent`."""
    return client().v1.payment_intents.create(params=params, options=_options(idempotency))


# --- subscriptions, invoices, portal -----------------------------------------------------------

def subscription_retrieve(subscription_id: str):
    return client().v1.subscriptions.retrieve(subscription_id)


def subscription_update(subscription_id: str, *, params: dict, idempotency: str):
    return client().v1.subscriptions.update(subscription_id, params=params, options=_options(idempotency))


def subscription_cancel(subscription_id: str, *, idempotency: str):
    return client().v1.subscriptions.cancel(subscription_id, options=_options(idempotency))


def invoice_list(*, customer: str, limit: int = 24):
    return client().v1.invoices.list(params={"customer": customer, "limit": limit})


def portal_session_create(*, customer: str, return_url: str):
    return client().v1.billing_portal.sessions.create(params={"customer": customer, "return_url": return_url})


# --- refunds, Connect, events --------------------------------------------------------------------

def refund_create(*, payment_intent: str, amount: int, metadata: dict, idempotency: str, destination: bool):
    params = {"payment_intent": payment_intent, "amount": amount, "metadata": metadata}
    if destination:
        params |= {"reverse_transfer": True, "refund_application_fee": True}
    return client().v1.refunds.create(params=params, options=_options(idempotency))


def account_create(*, email: str, country: str, currency: str, metadata: dict, idempotency: str):
    return client().v1.accounts.create(params={
        "type": "express", "email": email, "country": country, "default_currency": currency.lower(),
        "metadata": metadata, "capabilities": {"card_payments": {"requested": True}, "transfers": {"requested": True}},
    }, options=_options(idempotency))


def account_retrieve(account_id: str):
    return client().v1.accounts.retrieve(account_id)


def account_link_create(*, account: str, refresh_url: str, return_url: str):
    return client().v1.account_links.create(params={
        "account": account, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"})


def event_retrieve(event_id: str, *, account: str | None = None):
    return client().v1.events.retrieve(event_id, options=_options(account=account))


# --- webhooks ------------------------------------------------------------------------------

WEBHOOK_TOLERANCE_SECONDS = 300


def webhook_verify(payload: bytes, signature: str | None, *, source: str) -> None:
    """Raise SignatureVerificationError unless Stripe signed `payload` in the last 5 minutes."""
    secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET if source == "connect" else settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise SignatureVerificationError("No webhook signing secret is configured.", signature)
    stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature, secret, WEBHOOK_TOLERANCE_SECONDS)
