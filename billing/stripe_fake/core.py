"""An in-memory model of the part of Stripe's API that EduCrowd uses.

It answers the requests stripe-python sends (form-encoded v1 parameters in, JSON objects out)
with the objects and state changes Stripe would make: customers, prices, checkout sessions,
payment intents and their charges (with a processor fee), setup intents, subscriptions and
invoices, refunds, Connect accounts and account links, billing-portal sessions and events.
What a person does on Stripe's hosted pages (paying with a test card, authenticating,
finishing Connect onboarding, cancelling in the portal) and what happens with time (renewals,
failed renewals, a trial about to end, payouts) are methods here, called by tests and by the
local payment simulator's pages.

It is the one fake of Stripe in the project: tests plug it in at stripe-python's HTTP-client
seam (`FakeStripeHTTPClient`), and `billing.simulator` serves it over loopback for `make run`.
Never used when real keys are configured (billing/gateway.py decides).
"""
from __future__ import annotations

import copy
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qsl

# Stripe's test cards (https://docs.stripe.com/testing): what the fake does with each.
CARD_SUCCEEDS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_REQUIRES_AUTH = "4000002500003155"
CARD_INSUFFICIENT_FUNDS = "4000000000009995"
CARDS = {
    CARD_SUCCEEDS: "succeeds",
    "5555555555554444": "succeeds",
    CARD_DECLINED: "declined",
    CARD_INSUFFICIENT_FUNDS: "insufficient_funds",
    CARD_REQUIRES_AUTH: "requires_authentication",
    "4000002760003184": "requires_authentication",
}

def _exponent(currency: str) -> int:
    from billing.money import currency_exponent  # the one currency table (ISO 4217)

    return currency_exponent(currency)


def processor_fee(amount: int, currency: str) -> int:
    """What the fake charges per successful card payment: 2.9 % + 0.30 (scaled to the currency)."""
    fixed = {0: 0, 2: 30, 3: 300}[_exponent(currency)]
    return int((Decimal(amount) * Decimal("0.029")).quantize(Decimal(1), rounding=ROUND_HALF_UP)) + fixed


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, type_: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None, decline_code: str | None = None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {k: v for k, v in {
            "type": type_, "message": message, "code": code, "param": param, "decline_code": decline_code,
        }.items() if v is not None}}

    def with_payment_intent(self, intent: dict) -> "StripeError":
        self.body["error"]["payment_intent"] = copy.deepcopy(intent)
        return self


def decode_params(encoded: str | bytes | None) -> dict:
    """`a[b][0][c]=x&expand[0]=y` (Stripe's form encoding) -> {"a": {"b": [{"c": "x"}]}, "expand": ["y"]}."""
    if not encoded:
        return {}
    if isinstance(encoded, bytes):
        encoded = encoded.decode()
    root: dict = {}
    for key, value in parse_qsl(encoded, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            node = _step(node, part, value if last else None, last, parts[i + 1] if not last else None)
    return _lists(root)


def _step(node: dict, part: str, value, last: bool, following: str | None):
    if last:
        node[part] = value
        return node
    return node.setdefault(part, {})


def _lists(node):
    """Dicts whose keys are all digits (from `[0]`, `[1]`) become lists."""
    if isinstance(node, dict):
        converted = {k: _lists(v) for k, v in node.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return node


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StripeError(400, f"Invalid integer: {value}", param=name) from None


class FakeStripe:
    """State of one fake Stripe platform account (and its connected accounts)."""

    def __init__(self, *, hosted_base_url: str = "https://simulator.invalid", clock: Callable[[], float] = time.time):
        self.hosted_base_url = hosted_base_url.rstrip("/")
        self.clock = clock
        self.lock = threading.RLock()
        self.objects: dict[str, dict] = {}
        self.events: list[dict] = []
        self.requests: list[dict] = []
        self._idempotent: dict[tuple, tuple[int, dict]] = {}
        self._counter = itertools.count(1)
        self._listeners: list[Callable[[dict], None]] = []

    # --- plumbing -----------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock())

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{'test' if prefix in ('cs', 'pi', 'seti') else ''}{secrets.token_hex(8)}{next(self._counter)}"

    def _store(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_id: str, kind: str | None = None) -> dict:
        obj = self.objects.get(object_id)
        if obj is None or (kind and obj["object"] != kind):
            raise StripeError(404, f"No such {kind or 'object'}: '{object_id}'", code="resource_missing", param="id")
        return obj

    def on_event(self, listener: Callable[[dict], None]) -> None:
        """Call `listener(event)` for every event created (the simulator delivers them)."""
        self._listeners.append(listener)

    def _event(self, type_: str, obj: dict, *, account: str | None = None, previous: dict | None = None) -> dict:
        event = {
            "id": self._id("evt"), "object": "event", "type": type_, "created": self.now(), "livemode": False,
            "api_version": "2025-01-27.acacia", "pending_webhooks": 1,
            "data": {"object": copy.deepcopy(obj), **({"previous_attributes": previous} if previous else {})},
            "request": {"id": None, "idempotency_key": None},
        }
        if account:
            event["account"] = account
        self._store(event)
        self.events.append(event)
        for listener in list(self._listeners):
            listener(event)
        return event

    def events_of(self, type_: str | None = None) -> list[dict]:
        return [e for e in self.events if type_ is None or e["type"] == type_]

    # --- the HTTP face --------------------------------------------------------------------

    def handle(self, method: str, url: str, headers: dict | None, body: str | bytes | None) -> tuple[int, dict]:
        """One API request -> (status, JSON object)."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        path, _, query = url.partition("?")
        path = "/" + path.split("://", 1)[-1].split("/", 1)[-1] if "://" in path else path
        params = decode_params(query) | decode_params(body)
        key = headers.get("idempotency-key")
        account = headers.get("stripe-account")
        with self.lock:
            self.requests.append({"method": method.upper(), "path": path, "params": params,
                                  "idempotency_key": key, "account": account})
            cache_key = (key, account, method.upper(), path) if key and method.upper() == "POST" else None
            if cache_key and cache_key in self._idempotent:
                return self._idempotent[cache_key]
            try:
                result = 200, self._route(method.upper(), path, params, account)
            except StripeError as exc:
                result = exc.status, exc.body
            if cache_key:
                self._idempotent[cache_key] = result
            return result

    _ROUTES = [
        ("POST", r"/v1/customers", "customer_create"),
        ("GET", r"/v1/customers/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/prices", "price_create"),
        ("GET", r"/v1/prices/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/checkout/sessions", "checkout_session_create"),
        ("GET", r"/v1/checkout/sessions/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/checkout/sessions/(?P<id>[\w]+)/expire", "checkout_session_expire"),
        ("POST", r"/v1/payment_intents", "payment_intent_create"),
        ("GET", r"/v1/payment_intents/(?P<id>[\w]+)", "retrieve"),
        ("GET", r"/v1/payment_methods/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/setup_intents", "setup_intent_create"),
        ("GET", r"/v1/setup_intents/(?P<id>[\w]+)", "retrieve"),
        ("GET", r"/v1/charges", "charge_list"),
        ("GET", r"/v1/charges/(?P<id>[\w]+)", "retrieve"),
        ("GET", r"/v1/subscriptions/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/subscriptions/(?P<id>[\w]+)", "subscription_update"),
        ("DELETE", r"/v1/subscriptions/(?P<id>[\w]+)", "subscription_cancel"),
        ("GET", r"/v1/invoices", "invoice_list"),
        ("GET", r"/v1/invoices/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/refunds", "refund_create"),
        ("GET", r"/v1/refunds/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/accounts", "account_create"),
        ("GET", r"/v1/accounts/(?P<id>[\w]+)", "retrieve"),
        ("POST", r"/v1/account_links", "account_link_create"),
        ("POST", r"/v1/billing_portal/sessions", "portal_session_create"),
        ("GET", r"/v1/events/(?P<id>[\w]+)", "retrieve"),
    ]

    def _route(self, method: str, path: str, params: dict, account: str | None) -> dict:
        for verb, pattern, name in self._ROUTES:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                obj = getattr(self, f"_api_{name}")(params, account=account, **match.groupdict())
                return self._expanded(obj, params.get("expand") or [])
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _expanded(self, obj: dict, paths: list[str]) -> dict:
        obj = copy.deepcopy(obj)
        for dotted in paths:
            self._expand(obj, dotted.split("."))
        return obj

    def _expand(self, node, parts: list[str]) -> None:
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and isinstance(node.get("data"), list):
            for item in node["data"]:
                self._expand(item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects:
            node[head] = value = copy.deepcopy(self.objects[value])
        self._expand(value, rest)

    def _api_retrieve(self, params, *, account, id):
        return self.get(id)

    # --- customers, prices ------------------------------------------------------------------

    def _api_customer_create(self, params, *, account):
        return self._store({"id": self._id("cus"), "object": "customer", "email": params.get("email"),
                            "name": params.get("name"), "metadata": params.get("metadata") or {},
                            "created": self.now()})

    def _price_from(self, data: dict, *, param: str) -> dict:
        if data.get("price"):
            return self.get(data["price"], "price")
        price_data = data.get("price_data")
        if not price_data:
            raise StripeError(400, "Each line item needs a price or price_data.", param=param)
        return self._api_price_create(price_data, account=None)

    def _api_price_create(self, params, *, account):
        currency = (params.get("currency") or "").lower()
        if not re.fullmatch(r"[a-z]{3}", currency):
            raise StripeError(400, "Invalid currency.", param="currency")
        product = params.get("product_data") or {"name": params.get("product") or "Product"}
        recurring = params.get("recurring")
        return self._store({
            "id": self._id("price"), "object": "price", "currency": currency,
            "unit_amount": _int(params.get("unit_amount"), "unit_amount"),
            "recurring": {"interval": recurring.get("interval", "month")} if recurring else None,
            "type": "recurring" if recurring else "one_time", "product_name": product.get("name"),
            "metadata": params.get("metadata") or {},
        })

    # --- checkout -------------------------------------------------------------------------------

    def _api_checkout_session_create(self, params, *, account):
        mode = params.get("mode")
        if mode not in ("payment", "subscription", "setup"):
            raise StripeError(400, "Invalid mode: must be one of payment, setup, or subscription", param="mode")
        for url in ("success_url", "cancel_url"):
            if not params.get(url):
                raise StripeError(400, f"Missing required param: {url}.", param=url)
        lines = []
        for i, item in enumerate(params.get("line_items") or []):
            price = self._price_from(item, param=f"line_items[{i}]")
            if (price["type"] == "recurring") != (mode == "subscription"):
                raise StripeError(400, f"A {price['type']} price cannot be used in {mode} mode.", param=f"line_items[{i}]")
            lines.append({"price": price["id"], "quantity": _int(item.get("quantity", 1), "quantity"),
                          "amount_total": price["unit_amount"] * _int(item.get("quantity", 1), "quantity"),
                          "currency": price["currency"], "description": price["product_name"]})
        if mode != "setup" and not lines:
            raise StripeError(400, "line_items is required in payment and subscription mode.", param="line_items")
        currencies = {line["currency"] for line in lines}
        if len(currencies) > 1:
            raise StripeError(400, "All line items must have the same currency.", param="line_items")
        if params.get("customer"):
            self.get(params["customer"], "customer")
        session_id = self._id("cs")
        session = {
            "id": session_id, "object": "checkout.session", "mode": mode, "status": "open",
            "payment_status": "unpaid" if mode != "setup" else "no_payment_required",
            "amount_total": sum(line["amount_total"] for line in lines),
            "currency": currencies.pop() if currencies else None, "line_items_data": lines,
            "customer": params.get("customer"), "customer_email": params.get("customer_email"),
            "client_reference_id": params.get("client_reference_id"), "metadata": params.get("metadata") or {},
            "success_url": params["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id),
            "cancel_url": params["cancel_url"], "payment_intent": None, "subscription": None,
            "setup_intent": None, "invoice": None, "expires_at": self.now() + 24 * 3600, "created": self.now(),
            "payment_intent_data": params.get("payment_intent_data") or {},
            "subscription_data": params.get("subscription_data") or {},
            "url": f"{self.hosted_base_url}/checkout/{session_id}/",
            "livemode": False, "stripe_account": account,
        }
        return self._store(session)

    def _api_checkout_session_expire(self, params, *, account, id):
        session = self.get(id, "checkout.session")
        if session["status"] != "open":
            raise StripeError(400, f"Only open sessions can be expired; this one is {session['status']}.")
        session["status"] = "expired"
        self._event("checkout.session.expired", session)
        return session

    def checkout_pay(self, session_id: str, card_number: str) -> dict:
        """A person paid on the hosted page with `card_number`: -> {"outcome", "message"}.

        outcome: "succeeded", "declined" (session stays open, the person may retry),
        "requires_action" (3-D Secure: call `checkout_authenticate`)."""
        with self.lock:
            session = self.get(session_id, "checkout.session")
            if session["status"] != "open":
                return {"outcome": session["status"], "message": f"This checkout is {session['status']}."}
            number = re.sub(r"\D", "", card_number or "")
            behaviour = CARDS.get(number)
            if behaviour is None:
                return {"outcome": "declined", "message": "Use one of Stripe's test card numbers."}
            if session["mode"] == "setup":
                return self._setup_complete(session, behaviour, number)
            intent = self._intent_for(session)
            if behaviour in ("declined", "insufficient_funds"):
                code = "card_declined"
                message = ("Your card has insufficient funds." if behaviour == "insufficient_funds"
                           else "Your card was declined.")
                intent.update(status="requires_payment_method",
                              last_payment_error={"code": code, "decline_code": behaviour if behaviour != "declined"
                                                  else "generic_decline", "message": message})
                self._event("payment_intent.payment_failed", intent)
                return {"outcome": "declined", "message": message}
            if behaviour == "requires_authentication" and not session.get("_authenticated"):
                intent["status"] = "requires_action"
                session["_awaiting_authentication"] = True
                self._event("payment_intent.requires_action", intent)
                return {"outcome": "requires_action", "message": "Your bank asks you to confirm this payment."}
            return self._checkout_succeed(session, intent)

    def checkout_authenticate(self, session_id: str, *, approve: bool) -> dict:
        with self.lock:
            session = self.get(session_id, "checkout.session")
            if not session.get("_awaiting_authentication"):
                return {"outcome": "declined", "message": "No authentication is pending for this checkout."}
            session["_awaiting_authentication"] = False
            intent = self._intent_for(session)
            if not approve:
                intent.update(status="requires_payment_method", last_payment_error={
                    "code": "payment_intent_authentication_failure",
                    "message": "We are unable to authenticate your payment method."})
                self._event("payment_intent.payment_failed", intent)
                return {"outcome": "declined", "message": intent["last_payment_error"]["message"]}
            session["_authenticated"] = True
            return self._checkout_succeed(session, intent)

    def checkout_pay_delayed(self, session_id: str) -> dict:
        """A delayed-notification method (bank debit): the session completes unpaid now; call
        `checkout_delayed_settle` for the outcome (async_payment_succeeded / _failed)."""
        with self.lock:
            session = self.get(session_id, "checkout.session")
            if session["status"] != "open" or session["mode"] != "payment":
                return {"outcome": session["status"], "message": f"This checkout is {session['status']}."}
            intent = self._intent_for(session)
            intent["status"] = "processing"
            if not session["customer"]:
                session["customer"] = self._api_customer_create({"email": session["customer_email"]}, account=None)["id"]
            session.update(status="complete", payment_status="unpaid")
            self._event("checkout.session.completed", session)
            return {"outcome": "processing", "message": "Your bank is processing the payment.",
                    "redirect": session["success_url"]}

    def checkout_delayed_settle(self, session_id: str, *, succeed: bool) -> dict:
        with self.lock:
            session = self.get(session_id, "checkout.session")
            intent = self._intent_for(session)
            if succeed:
                self._charge(intent)
                session["payment_status"] = "paid"
                self._event("checkout.session.async_payment_succeeded", session)
                self._event("payment_intent.succeeded", intent)
            else:
                intent.update(status="requires_payment_method",
                              last_payment_error={"code": "debit_failed", "message": "The bank debit failed."})
                self._event("checkout.session.async_payment_failed", session)
                self._event("payment_intent.payment_failed", intent)
            return session

    def _intent_for(self, session: dict) -> dict:
        if session["payment_intent"]:
            return self.objects[session["payment_intent"]]
        data = session["payment_intent_data"]
        amount = session["amount_total"]
        if session["mode"] == "subscription":
            amount = 0 if self._trial_days(session) else amount
        intent = self._store({
            "id": self._id("pi"), "object": "payment_intent", "amount": amount, "currency": session["currency"],
            "status": "requires_payment_method", "customer": session["customer"], "latest_charge": None,
            "metadata": data.get("metadata") or session["metadata"] if session["mode"] == "payment" else {},
            "application_fee_amount": int(data["application_fee_amount"]) if data.get("application_fee_amount") else None,
            "transfer_data": data.get("transfer_data"), "on_behalf_of": data.get("on_behalf_of"),
            "last_payment_error": None, "created": self.now(),
        })
        if session["mode"] == "payment":
            session["payment_intent"] = intent["id"]
        return intent

    @staticmethod
    def _trial_days(session: dict) -> int:
        return int(session["subscription_data"].get("trial_period_days") or 0)

    def _charge(self, intent: dict) -> dict:
        fee = processor_fee(intent["amount"], intent["currency"])
        balance = self._store({"id": self._id("txn"), "object": "balance_transaction", "amount": intent["amount"],
                               "fee": fee, "net": intent["amount"] - fee, "currency": intent["currency"]})
        destination = (intent.get("transfer_data") or {}).get("destination")
        charge = self._store({
            "id": self._id("ch"), "object": "charge", "amount": intent["amount"], "amount_refunded": 0,
            "currency": intent["currency"], "paid": True, "refunded": False, "status": "succeeded",
            "payment_intent": intent["id"], "balance_transaction": balance["id"], "customer": intent["customer"],
            "application_fee_amount": intent.get("application_fee_amount"), "destination": destination,
            "transfer": self._id("tr") if destination else None, "metadata": intent["metadata"],
            "created": self.now(),
        })
        intent.update(status="succeeded", latest_charge=charge["id"], last_payment_error=None)
        return charge

    def _checkout_succeed(self, session: dict, intent: dict) -> dict:
        if not session["customer"]:
            session["customer"] = self._api_customer_create({"email": session["customer_email"]}, account=None)["id"]
            intent["customer"] = session["customer"]
        if intent["amount"]:
            self._charge(intent)
        else:
            intent["status"] = "succeeded"
        session.update(status="complete", payment_status="paid")
        if session["mode"] == "subscription":
            subscription = self._subscription_start(session)
            session["subscription"] = subscription["id"]
            session["invoice"] = subscription["latest_invoice"]
            self._event("checkout.session.completed", session)
            self._event("customer.subscription.created", subscription)
            self._event("invoice.paid", self.objects[subscription["latest_invoice"]])
        else:
            self._event("checkout.session.completed", session)
            self._event("payment_intent.succeeded", intent)
        return {"outcome": "succeeded", "message": "Payment succeeded.", "redirect": session["success_url"]}

    def _setup_complete(self, session: dict, behaviour: str = "succeeds", number: str = CARD_SUCCEEDS) -> dict:
        if not session["customer"]:
            session["customer"] = self._api_customer_create({"email": session["customer_email"]}, account=None)["id"]
        method = self._store({"id": self._id("pm"), "object": "payment_method", "type": "card",
                              "customer": session["customer"], "card": {"brand": "visa", "last4": number[-4:]},
                              "_behaviour": behaviour})
        intent = self._store({"id": self._id("seti"), "object": "setup_intent", "status": "succeeded",
                              "customer": session["customer"], "payment_method": method["id"],
                              "metadata": session["metadata"]})
        session.update(status="complete", setup_intent=intent["id"])
        self._event("checkout.session.completed", session)
        return {"outcome": "succeeded", "message": "Card saved.", "redirect": session["success_url"]}

    def _api_payment_intent_create(self, params, *, account):
        """A PaymentIntent confirmed now with a saved card (off-session charges of pledges):
        the card saved at setup decides — succeeds, declines (402 card_error) or needs the
        customer (402 authentication_required), as Stripe answers off-session."""
        for name in ("amount", "currency"):
            if not params.get(name):
                raise StripeError(400, f"Missing required param: {name}.", param=name)
        method = self.get(params.get("payment_method") or "", "payment_method")
        if params.get("customer") and method["customer"] != params["customer"]:
            raise StripeError(400, "The payment method does not belong to this customer.", param="payment_method")
        data = {k: params.get(k) for k in ("application_fee_amount", "transfer_data", "on_behalf_of")}
        intent = self._store({
            "id": self._id("pi"), "object": "payment_intent", "amount": _int(params["amount"], "amount"),
            "currency": params["currency"].lower(), "status": "requires_confirmation", "customer": params.get("customer"),
            "payment_method": method["id"], "latest_charge": None, "metadata": params.get("metadata") or {},
            "application_fee_amount": int(data["application_fee_amount"]) if data["application_fee_amount"] else None,
            "transfer_data": data["transfer_data"], "on_behalf_of": data["on_behalf_of"],
            "description": params.get("description"), "last_payment_error": None, "created": self.now(),
        })
        if params.get("confirm") not in ("true", True):
            return intent
        behaviour = method.get("_behaviour", "succeeds")
        off_session = params.get("off_session") in ("true", True)
        if behaviour in ("declined", "insufficient_funds"):
            message = "Your card has insufficient funds." if behaviour == "insufficient_funds" else "Your card was declined."
            intent.update(status="requires_payment_method", last_payment_error={
                "code": "card_declined", "decline_code": "generic_decline" if behaviour == "declined" else behaviour,
                "message": message})
            self._event("payment_intent.payment_failed", intent)
            raise StripeError(402, message, type_="card_error", code="card_declined",
                              decline_code=intent["last_payment_error"]["decline_code"]).with_payment_intent(intent)
        if behaviour == "requires_authentication" and off_session:
            message = "Your card requires authentication for this payment."
            intent.update(status="requires_payment_method", last_payment_error={
                "code": "authentication_required", "message": message})
            self._event("payment_intent.payment_failed", intent)
            raise StripeError(402, message, type_="card_error", code="authentication_required").with_payment_intent(intent)
        self._charge(intent)
        self._event("payment_intent.succeeded", intent)
        return intent

    def _api_charge_list(self, params, *, account):
        """Every charge (newest first), optionally of one PaymentIntent: tests count what was charged."""
        charges = [o for o in self.objects.values() if o.get("object") == "charge"
                   and (not params.get("payment_intent") or o["payment_intent"] == params["payment_intent"])]
        charges.sort(key=lambda c: c["created"], reverse=True)
        return {"object": "list", "data": charges, "has_more": False, "url": "/v1/charges"}

    def _api_setup_intent_create(self, params, *, account):
        return self._store({"id": self._id("seti"), "object": "setup_intent", "status": "requires_payment_method",
                            "customer": params.get("customer"), "metadata": params.get("metadata") or {},
                            "client_secret": secrets.token_hex(12)})

    # --- subscriptions and invoices ---------------------------------------------------------------

    _PERIOD = {"month": 30 * 24 * 3600, "year": 365 * 24 * 3600}

    def _subscription_start(self, session: dict) -> dict:
        line = session["line_items_data"][0]
        price = self.objects[line["price"]]
        now = self.now()
        trial = self._trial_days(session)
        period_end = now + (trial * 24 * 3600 if trial else self._PERIOD[price["recurring"]["interval"]])
        subscription = self._store({
            "id": self._id("sub"), "object": "subscription", "customer": session["customer"],
            "status": "trialing" if trial else "active", "cancel_at_period_end": False, "canceled_at": None,
            "current_period_start": now, "current_period_end": period_end, "trial_end": period_end if trial else None,
            "items": {"object": "list", "data": [{"id": self._id("si"), "object": "subscription_item",
                                                   "price": copy.deepcopy(price), "quantity": 1}]},
            "metadata": session["subscription_data"].get("metadata") or session["metadata"], "latest_invoice": None,
            "created": now,
        })
        invoice = self._invoice(subscription, 0 if trial else price["unit_amount"], paid=True,
                                reason="subscription_create")
        subscription["latest_invoice"] = invoice["id"]
        return subscription

    def _invoice(self, subscription: dict, amount: int, *, paid: bool, reason: str) -> dict:
        price = subscription["items"]["data"][0]["price"]
        invoice_id = self._id("in")
        invoice = self._store({
            "id": invoice_id, "object": "invoice", "customer": subscription["customer"],
            "subscription": subscription["id"], "billing_reason": reason, "currency": price["currency"],
            "amount_due": amount, "amount_paid": amount if paid else 0, "status": "paid" if paid else "open",
            "attempt_count": 1, "period_start": subscription["current_period_start"],
            "period_end": subscription["current_period_end"], "created": self.now(),
            "number": f"FAKE-{next(self._counter):05d}",
            "hosted_invoice_url": f"{self.hosted_base_url}/invoices/{invoice_id}/",
            "invoice_pdf": f"{self.hosted_base_url}/invoices/{invoice_id}/pdf/",
            "lines": {"object": "list", "data": [{"description": price.get("product_name"), "amount": amount,
                                                   "currency": price["currency"]}]},
            "subscription_details": {"metadata": subscription["metadata"]},
            "payment_intent": None,
        })
        return invoice

    def _api_subscription_update(self, params, *, account, id):
        subscription = self.get(id, "subscription")
        if subscription["status"] == "canceled":
            raise StripeError(400, "A canceled subscription can only update its cancellation_details and metadata.")
        previous = {}
        if "cancel_at_period_end" in params:
            previous["cancel_at_period_end"] = subscription["cancel_at_period_end"]
            subscription["cancel_at_period_end"] = params["cancel_at_period_end"] in ("true", True)
        if params.get("metadata"):
            subscription["metadata"] = {**subscription["metadata"], **params["metadata"]}
        items = params.get("items") or []
        if items:
            item = subscription["items"]["data"][0]
            old_price = item["price"]
            new_price = self._price_from(items[0], param="items[0]")
            previous["items"] = copy.deepcopy(subscription["items"])
            item["price"] = copy.deepcopy(new_price)
            if params.get("proration_behavior", "create_prorations") != "none" and subscription["status"] == "active":
                remaining = max(subscription["current_period_end"] - self.now(), 0)
                period = self._PERIOD[old_price["recurring"]["interval"]]
                delta = (Decimal(new_price["unit_amount"] - old_price["unit_amount"]) * remaining / period)
                proration = int(delta.quantize(Decimal(1), rounding=ROUND_HALF_UP))
                if proration > 0:
                    invoice = self._invoice(subscription, proration, paid=True, reason="subscription_update")
                    subscription["latest_invoice"] = invoice["id"]
                    self._event("invoice.paid", invoice)
        self._event("customer.subscription.updated", subscription, previous=previous)
        return subscription

    def _api_subscription_cancel(self, params, *, account, id):
        subscription = self.get(id, "subscription")
        if subscription["status"] == "canceled":
            raise StripeError(400, "This subscription has already been canceled.")
        subscription.update(status="canceled", canceled_at=self.now())
        self._event("customer.subscription.deleted", subscription)
        return subscription

    def _api_invoice_list(self, params, *, account):
        customer = params.get("customer")
        found = [o for o in self.objects.values() if o["object"] == "invoice" and (not customer or o["customer"] == customer)]
        found.reverse()  # newest first, also among objects created in the same second
        found.sort(key=lambda o: o["created"], reverse=True)
        limit = _int(params.get("limit", 10), "limit")
        return {"object": "list", "data": found[:limit], "has_more": len(found) > limit, "url": "/v1/invoices"}

    def subscription_renew(self, subscription_id: str, *, succeed: bool = True, needs_action: bool = False) -> dict:
        """The period ended: Stripe invoices the next one (paid, failed, or awaiting authentication)."""
        with self.lock:
            subscription = self.get(subscription_id, "subscription")
            price = subscription["items"]["data"][0]["price"]
            previous = {"status": subscription["status"]}
            start = subscription["current_period_end"]
            subscription.update(current_period_start=start, current_period_end=start + self._PERIOD[price["recurring"]["interval"]])
            invoice = self._invoice(subscription, price["unit_amount"], paid=succeed, reason="subscription_cycle")
            subscription["latest_invoice"] = invoice["id"]
            if succeed:
                subscription["status"] = "active"
                self._event("invoice.paid", invoice)
            else:
                subscription["status"] = "past_due"
                self._event("invoice.payment_action_required" if needs_action else "invoice.payment_failed", invoice)
            self._event("customer.subscription.updated", subscription, previous=previous)
            return invoice

    def trial_will_end(self, subscription_id: str) -> dict:
        with self.lock:
            return self._event("customer.subscription.trial_will_end", self.get(subscription_id, "subscription"))

    # --- refunds ------------------------------------------------------------------------------

    def _api_refund_create(self, params, *, account):
        intent = self.get(params.get("payment_intent") or "", "payment_intent")
        charge = self.objects.get(intent.get("latest_charge") or "")
        if not charge:
            raise StripeError(400, "This PaymentIntent has no successful charge to refund.", code="charge_not_refundable")
        left = charge["amount"] - charge["amount_refunded"]
        amount = _int(params.get("amount", left), "amount")
        if amount <= 0 or amount > left:
            raise StripeError(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                              code="amount_too_large", param="amount")
        fee_refund = 0
        if params.get("refund_application_fee") in ("true", True) and charge.get("application_fee_amount"):
            fee_refund = int((Decimal(charge["application_fee_amount"]) * amount / charge["amount"])
                             .quantize(Decimal(1), rounding=ROUND_HALF_UP))
        refund = self._store({
            "id": self._id("re"), "object": "refund", "amount": amount, "currency": charge["currency"],
            "charge": charge["id"], "payment_intent": intent["id"], "status": "succeeded",
            "metadata": params.get("metadata") or {}, "reason": params.get("reason"),
            "application_fee_refunded": fee_refund,
            "transfer_reversed": params.get("reverse_transfer") in ("true", True), "created": self.now(),
        })
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self._event("refund.created", refund)
        self._event("charge.refunded", charge)
        return refund

    # --- Connect ------------------------------------------------------------------------------

    def _api_account_create(self, params, *, account):
        return self._store({
            "id": self._id("acct"), "object": "account", "type": params.get("type", "express"),
            "country": params.get("country", "US"), "email": params.get("email"),
            "default_currency": (params.get("default_currency") or "usd").lower(),
            "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "metadata": params.get("metadata") or {}, "created": self.now(),
            "requirements": {"currently_due": ["external_account", "individual.verification.document"]},
        })

    def _api_account_link_create(self, params, *, account):
        acct = self.get(params.get("account") or "", "account")
        for url in ("refresh_url", "return_url"):
            if not params.get(url):
                raise StripeError(400, f"Missing required param: {url}.", param=url)
        acct["_return_url"], acct["_refresh_url"] = params["return_url"], params["refresh_url"]
        return {"object": "account_link", "created": self.now(), "expires_at": self.now() + 300,
                "url": f"{self.hosted_base_url}/connect/{acct['id']}/"}

    def account_onboard(self, account_id: str, *, complete: bool = True) -> dict:
        """The institution finished (or abandoned with details missing) Express onboarding."""
        with self.lock:
            acct = self.get(account_id, "account")
            previous = {k: acct[k] for k in ("charges_enabled", "payouts_enabled", "details_submitted")}
            acct.update(details_submitted=True, charges_enabled=complete, payouts_enabled=complete,
                        requirements={"currently_due": [] if complete else ["external_account"]})
            self._event("account.updated", acct, account=account_id, previous=previous)
            return acct

    def payout(self, account_id: str, amount: int, currency: str) -> dict:
        with self.lock:
            self.get(account_id, "account")
            payout = self._store({"id": self._id("po"), "object": "payout", "amount": amount,
                                  "currency": currency.lower(), "status": "paid", "arrival_date": self.now(),
                                  "created": self.now()})
            self._event("payout.paid", payout, account=account_id)
            return payout

    # --- billing portal ---------------------------------------------------------------------

    def _api_portal_session_create(self, params, *, account):
        customer = self.get(params.get("customer") or "", "customer")
        session_id = self._id("bps")
        return self._store({"id": session_id, "object": "billing_portal.session", "customer": customer["id"],
                            "return_url": params.get("return_url"), "created": self.now(),
                            "url": f"{self.hosted_base_url}/portal/{session_id}/"})

    # --- for pages and tests --------------------------------------------------------------------

    def snapshot(self) -> str:
        return json.dumps({"objects": self.objects, "events": [e["id"] for e in self.events]}, sort_keys=True)
