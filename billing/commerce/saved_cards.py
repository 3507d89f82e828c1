"""Saving a card now to charge it later (crowdfunding pledges): a Stripe customer per backer,
Checkout in setup mode, and reading the saved card back from the completed session. The
charge itself is `offsession.saved_card_charge`. Nothing here charges anyone.

Other apps use these through billing.api instead of the Stripe gateway, so Stripe's objects
and errors stay inside billing.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import gateway


class CardSetupUnavailable(Exception):
    """Stripe refused or could not be reached; nothing was saved."""


@dataclass(frozen=True)
class CardSetupSession:
    id: str
    url: str


@dataclass(frozen=True)
class SavedCard:
    customer_id: str
    setup_intent_id: str
    payment_method_id: str


def payments_simulated() -> bool:
    """The local payment simulator stands in for Stripe (no secret key: development, tests)."""
    return gateway.simulator_active()


def card_customer_create(*, email: str, name: str, metadata: dict, idempotency: tuple) -> str:
    """A Stripe customer to save cards on; -> its id. `idempotency`: the parts of the key
    (the same business action always sends the same key)."""
    try:
        customer = gateway.customer_create(email=email, name=name[:200], metadata=metadata,
                                           idempotency=gateway.idempotency_key(*idempotency))
    except gateway.StripeError as exc:
        raise CardSetupUnavailable(str(exc)) from exc
    return customer.id


def card_setup_start(*, customer_id: str, currency: str, reference: str, success_url: str, cancel_url: str,
                     metadata: dict, description: str, idempotency: tuple) -> CardSetupSession:
    """Stripe Checkout in setup mode for one card; -> the session (its id and the page's URL)."""
    try:
        session = gateway.checkout_session_create(params={
            "mode": "setup", "customer": customer_id, "currency": currency.lower(),
            "payment_method_types": ["card"], "client_reference_id": reference,
            "success_url": success_url, "cancel_url": cancel_url, "metadata": metadata,
            "setup_intent_data": {"metadata": metadata, "description": description[:200]},
        }, idempotency=gateway.idempotency_key(*idempotency))
    except gateway.StripeError as exc:
        raise CardSetupUnavailable(str(exc)) from exc
    return CardSetupSession(id=session.id, url=session.url)


def card_setup_result(*, session_id: str) -> SavedCard | None:
    """The card a setup-mode session saved, read back from Stripe (never from the webhook's
    body); None while the session is not complete or its SetupIntent has not succeeded."""
    session = gateway.checkout_session_retrieve(session_id).to_dict()
    if session.get("status") != "complete" or not session.get("setup_intent"):
        return None
    intent_id = session["setup_intent"] if isinstance(session["setup_intent"], str) else session["setup_intent"]["id"]
    intent = gateway.setup_intent_retrieve(intent_id).to_dict()
    if intent.get("status") != "succeeded":
        return None
    method = intent.get("payment_method")
    method = method if isinstance(method, str) else (method or {}).get("id", "")
    return SavedCard(customer_id=session.get("customer") or "", setup_intent_id=intent_id, payment_method_id=method or "")
