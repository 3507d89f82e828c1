"""The local payment simulator: Stripe's API and hosted pages over loopback, signed webhooks, never in production."""
import json
import re
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe
from django.core.exceptions import ImproperlyConfigured

from billing import gateway, simulator
from billing.stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS
from config.embedded import free_port


class _Receiver(BaseHTTPRequestHandler):
    got: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        stripe.WebhookSignature.verify_header(body, self.headers["Stripe-Signature"], "whsec_sim_test", 300)
        self.got.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def running(settings):
    receiver = ThreadingHTTPServer(("127.0.0.1", free_port()), _Receiver)
    _Receiver.got = []
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    hook = f"http://127.0.0.1:{receiver.server_port}/hook"
    sender = simulator.WebhookSender(platform_url=hook, connect_url=hook, platform_secret="whsec_sim_test",
                                     connect_secret="whsec_sim_test", duplicate_rate=0.0, delay=0.0)
    port = free_port()
    server, fake = simulator.serve(host="127.0.0.1", port=port, sender=sender, debug=True)
    settings.DEBUG, settings.STRIPE_SECRET_KEY = True, ""
    settings.STRIPE_SIMULATOR_URL = f"http://127.0.0.1:{port}"
    yield fake, f"http://127.0.0.1:{port}"
    server.shutdown()
    receiver.shutdown()


def _get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _post(url, data):
    request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), method="POST")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=5) as response:
            return response.status, response.read().decode(), None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), exc.headers.get("Location")


def _session():
    return gateway.checkout_session_create(params={
        "mode": "payment", "success_url": "http://acme.localhost/ok", "cancel_url": "http://acme.localhost/no",
        "line_items": [{"price_data": {"currency": "usd", "unit_amount": 2500, "product_data": {"name": "Course <b>1</b>"}},
                        "quantity": 1}]}, idempotency="sim-1")


def _wait(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_checkout_through_the_simulator_pages_and_signed_webhook(running):
    fake, base = running
    assert gateway.simulator_active()
    session = _session()  # over HTTP, through stripe-python's own HTTP client
    assert session.url.startswith(base + "/checkout/cs_")
    page = _get(session.url)
    assert "Payment simulator" in page and "no real money" in page and "Course &lt;b&gt;1&lt;/b&gt;" in page
    status, body, _ = _post(session.url, {"card": "4000 0000 0000 0002"})
    assert status == 200 and "Your card was declined." in body and "Payment simulator" in body
    status, _, location = _post(session.url, {"card": CARD_SUCCEEDS})
    assert status == 303 and location == "http://acme.localhost/ok"
    assert _wait(lambda: any(e["type"] == "checkout.session.completed" for e in _Receiver.got))
    assert gateway.checkout_session_retrieve(session.id).payment_status == "paid"


def test_authentication_page(running):
    fake, base = running
    session = _session()
    status, body, _ = _post(session.url, {"card": CARD_REQUIRES_AUTH})
    assert "Confirm this payment" in body and "Payment simulator" in body
    action = re.search(r"action='([^']+)'", body).group(1)
    status, _, location = _post(base + action, {"approve": "yes"})
    assert status == 303 and location == "http://acme.localhost/ok"


def test_refuses_without_debug(settings):
    with pytest.raises(simulator.SimulatorRefused, match="only runs with DEBUG on"):
        simulator.serve(host="127.0.0.1", port=free_port(), debug=False)
    settings.DEBUG, settings.STRIPE_SECRET_KEY = False, ""
    with pytest.raises(ImproperlyConfigured, match="STRIPE_SECRET_KEY is not set"):
        gateway.client()


@pytest.mark.django_db
def test_connect_onboarding_through_the_simulator_page(running, site_a, admin_a, public_client):
    from billing import api as billing_api
    from billing import webhooks
    from billing.models import StripeEvent
    from billing.testing import webhook_post

    fake, base = running
    response = site_a.client(admin_a).post("/manage/billing/connect")  # the Billing page's button
    assert response.status_code == 302 and response["Location"].startswith(base + "/connect/acct_")
    page = _get(response["Location"])
    assert "Payment simulator" in page and "Finish onboarding" in page
    status, _, location = _post(response["Location"], {"outcome": "complete"})
    assert status == 303 and location.endswith("/manage/billing/?connect=return")
    assert _wait(lambda: any(e["type"] == "account.updated" for e in _Receiver.got))
    event = next(e for e in _Receiver.got if e["type"] == "account.updated")
    assert webhook_post(public_client, event, source="connect").status_code == 200  # as the sender would
    webhooks.event_process(StripeEvent.objects.get(stripe_id=event["id"]).pk)  # re-reads the account over HTTP
    assert billing_api.connect_account_ready(site_a.tenant)


def test_setup_mode_page_saves_a_card_and_sends_the_webhook(running):
    fake, base = running
    customer = gateway.customer_create(email="backer@acme.test", name="Backer", metadata={}, idempotency="sim-cus")
    session = gateway.checkout_session_create(params={
        "mode": "setup", "customer": customer.id, "success_url": "http://acme.localhost/saved",
        "cancel_url": "http://acme.localhost/no", "metadata": {"kind": "pledge"}}, idempotency="sim-setup")
    page = _get(session.url)
    assert "Save a card" in page and "Nothing is charged now." in page and "Payment simulator" in page
    status, _, location = _post(session.url, {"card": CARD_SUCCEEDS})
    assert status == 303 and location == "http://acme.localhost/saved"
    assert _wait(lambda: any(e["type"] == "checkout.session.completed" for e in _Receiver.got))
    done = gateway.checkout_session_retrieve(session.id)
    intent = gateway.setup_intent_retrieve(done.setup_intent)
    assert intent.status == "succeeded" and intent.payment_method.startswith("pm_")
