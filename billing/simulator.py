"""The local payment simulator: the project's fake Stripe (billing/stripe_fake) served on loopback.

`make run` starts it when no STRIPE_SECRET_KEY is set (config/devstack.py), and the gateway
then sends its API calls here (STRIPE_SIMULATOR_URL). It serves:
- Stripe's API for the calls EduCrowd makes (`/v1/...`, answered by FakeStripe);
- hosted pages a person clicks through: checkout with Stripe's test cards (4242 4242 4242 4242
  succeeds, 4000 0000 0000 0002 is declined, 4000 0025 0000 3155 asks for authentication),
  the authentication step, Connect onboarding, the billing portal, invoices;
- webhook delivery: every event is POSTed, signed as Stripe signs, to the platform's endpoint
  (Connect events to the Connect endpoint) from a background thread, a moment later, and
  sometimes twice (`STRIPE_SIMULATOR_DUPLICATE_RATE`), as Stripe may.
Every page says it is a simulator. It refuses to start when DEBUG is off.

    python -m billing.simulator            # uses Django settings for URLs and secrets
"""
from __future__ import annotations

import html
import io
import json
import logging
import os
import queue
import random
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

import stripe

from .stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS, FakeStripe

logger = logging.getLogger("billing.simulator")

BANNER = ("<div role='note' style='background:#7c2d12;color:#fff;padding:.6rem 1rem;font-weight:600'>"
          "Payment simulator — test mode, no real money moves. This is not Stripe.</div>")


class SimulatorRefused(RuntimeError):
    pass


def _page(title: str, body: str) -> bytes:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)} · Payment simulator"
            f"</title><meta name='viewport' content='width=device-width,initial-scale=1'></head>"
            f"<body style='font-family:system-ui,sans-serif;margin:0'>{BANNER}"
            f"<main style='max-width:34rem;margin:2rem auto;padding:0 1rem'>{body}</main></body></html>").encode()


class WebhookSender:
    """Delivers events in the background, signed, possibly twice, retrying while the platform is down."""

    def __init__(self, *, platform_url: str, connect_url: str, platform_secret: str, connect_secret: str,
                 duplicate_rate: float = 0.2, delay: float = 0.3):
        self.urls = {"platform": platform_url, "connect": connect_url}
        self.secrets = {"platform": platform_secret, "connect": connect_secret}
        self.duplicate_rate, self.delay = duplicate_rate, delay
        self.queue: queue.Queue = queue.Queue()
        self.delivered: list[tuple[str, int]] = []
        threading.Thread(target=self._run, daemon=True, name="webhook-sender").start()

    def __call__(self, event: dict) -> None:
        self.queue.put((event, 0))
        if random.random() < self.duplicate_rate:
            self.queue.put((event, 0))

    def _run(self) -> None:
        while True:
            event, attempt = self.queue.get()
            time.sleep(self.delay if attempt == 0 else min(2 ** attempt, 30))
            source = "connect" if event.get("account") else "platform"
            payload = json.dumps(event)
            header = stripe.WebhookSignature.generate_signature_header(payload, self.secrets[source])
            request = urllib.request.Request(self.urls[source], data=payload.encode(), method="POST", headers={
                "Content-Type": "application/json", "Stripe-Signature": header, "User-Agent": "Stripe/1.0 (simulator)"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    self.delivered.append((event["id"], response.status))
            except Exception as exc:  # noqa: BLE001 - Stripe retries failed deliveries too
                logger.warning("webhook %s to %s failed (%s); retrying", event["id"], self.urls[source], exc)
                if attempt < 8:
                    self.queue.put((event, attempt + 1))


class Simulator:
    """A WSGI app over one FakeStripe."""

    def __init__(self, fake: FakeStripe):
        self.fake = fake

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if path.startswith("/v1/"):
            headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
            url = path + ("?" + environ["QUERY_STRING"] if environ.get("QUERY_STRING") else "")
            status, data = self.fake.handle(method, url, headers, body)
            start_response(f"{status} {'OK' if status == 200 else 'Error'}", [("Content-Type", "application/json")])
            return [json.dumps(data).encode()]
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        try:
            status, headers, content = self._page(method, path.strip("/").split("/"), form)
        except Exception as exc:  # noqa: BLE001 - a simulator page shows what went wrong
            status, headers, content = "404 Not Found", [], _page("Not found", f"<h1>Not found</h1><p>{html.escape(str(exc))}</p>")
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), *headers])
        return [content]

    def _redirect(self, url: str):
        return "303 See Other", [("Location", url)], _page("Redirecting", f"<a href='{html.escape(url)}'>Continue</a>")

    def _page(self, method: str, parts: list[str], form: dict):
        kind, object_id = (parts + ["", ""])[:2]
        if kind == "checkout":
            return self._checkout(method, object_id, parts[2:] if len(parts) > 2 else [], form)
        if kind == "connect":
            account = self.fake.get(object_id, "account")
            if method == "POST":
                self.fake.account_onboard(object_id, complete=form.get("outcome") != "incomplete")
                return self._redirect(account.get("_return_url") or "/")
            return "200 OK", [], _page("Connect onboarding", (
                f"<h1>Set up payouts</h1><p>Account {html.escape(object_id)} ({html.escape(account.get('email') or '')}).</p>"
                "<form method='post'><button name='outcome' value='complete'>Finish onboarding</button> "
                "<button name='outcome' value='incomplete'>Leave details missing</button></form>"))
        if kind == "portal":
            session = self.fake.get(object_id, "billing_portal.session")
            subs = [o for o in self.fake.objects.values() if o["object"] == "subscription"
                    and o["customer"] == session["customer"] and o["status"] != "canceled"]
            if method == "POST" and subs:
                self.fake.handle("DELETE", f"/v1/subscriptions/{subs[0]['id']}", {}, None)
                return self._redirect(session.get("return_url") or "/")
            rows = "".join(f"<li>{html.escape(o['number'])}: {o['amount_paid']} {o['currency'].upper()} ({o['status']})</li>"
                           for o in self.fake.objects.values() if o["object"] == "invoice" and o["customer"] == session["customer"])
            cancel = "<form method='post'><button>Cancel subscription</button></form>" if subs else ""
            back = html.escape(session.get("return_url") or "/")
            return "200 OK", [], _page("Billing portal", f"<h1>Billing portal</h1><ul>{rows}</ul>{cancel}<p><a href='{back}'>Back</a></p>")
        if kind == "invoices":
            invoice = self.fake.get(object_id, "invoice")
            return "200 OK", [], _page("Invoice", f"<h1>Invoice {html.escape(invoice['number'])}</h1>"
                                                  f"<p>{invoice['amount_due']} {invoice['currency'].upper()} — {invoice['status']}</p>")
        return "200 OK", [], _page("Payment simulator", "<h1>Payment simulator</h1><p>Nothing to see here.</p>")

    def _checkout(self, method: str, session_id: str, rest: list[str], form: dict):
        session = self.fake.get(session_id, "checkout.session")
        message = ""
        if method == "POST" and rest[:1] == ["authenticate"]:
            result = self.fake.checkout_authenticate(session_id, approve=form.get("approve") == "yes")
            if result["outcome"] == "succeeded":
                return self._redirect(result["redirect"])
            message = result["message"]
        elif method == "POST":
            result = self.fake.checkout_pay(session_id, form.get("card", ""))
            if result["outcome"] == "succeeded":
                return self._redirect(result["redirect"])
            if result["outcome"] == "requires_action":
                return "200 OK", [], _page("Authenticate", (
                    "<h1>Confirm this payment</h1><p>Your bank asks you to authenticate (3-D Secure test).</p>"
                    f"<form method='post' action='/checkout/{html.escape(session_id)}/authenticate'>"
                    "<button name='approve' value='yes'>Complete authentication</button> "
                    "<button name='approve' value='no'>Fail authentication</button></form>"))
            message = result["message"]
        if session["status"] != "open":
            return "200 OK", [], _page("Checkout", f"<h1>This checkout is {html.escape(session['status'])}.</h1>")
        lines = "".join(f"<li>{html.escape(line['description'] or '')}: {line['amount_total']} {line['currency'].upper()}"
                        f" (minor units)</li>" for line in session["line_items_data"])
        error = f"<p role='alert' style='color:#b91c1c'>{html.escape(message)}</p>" if message else ""
        cancel = html.escape(session["cancel_url"])
        setup = session["mode"] == "setup"  # a card saved for later (e.g. a pledge): nothing is charged now
        heading = "<h1>Save a card</h1><p>Nothing is charged now.</p>" if setup else f"<h1>Pay</h1><ul>{lines}</ul>"
        return "200 OK", [], _page("Checkout", (
            f"{heading}{error}<form method='post'>"
            f"<label>Card number <input name='card' inputmode='numeric' autocomplete='off' value='' required></label>"
            f"<p><small>Test cards: {CARD_SUCCEEDS} succeeds · {CARD_DECLINED} is declined · "
            f"{CARD_REQUIRES_AUTH} asks for authentication.</small></p>"
            f"<button type='submit'>{'Save card' if setup else 'Pay'}</button></form>"
            f"<p><a href='{cancel}'>Cancel and go back</a></p>"))


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive, as Stripe's API answers: a client (stripe-python's pooled
    session) sends its calls over one connection instead of connecting once per call."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = -1  # the status line, headers and body leave in one write (flushed after each request)

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        environ = {"REQUEST_METHOD": self.command, "PATH_INFO": unquote(path), "QUERY_STRING": query,
                   "CONTENT_LENGTH": str(length), "wsgi.input": io.BytesIO(body)}
        environ |= {"HTTP_" + name.upper().replace("-", "_"): value for name, value in self.headers.items()}
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer.update(status=status, headers=headers)

        content = b"".join(self.server.app(environ, start_response))
        code, _, reason = answer["status"].partition(" ")
        self.send_response(int(code), reason)
        for name, value in answer["headers"]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        logger.info("%s - %s", self.address_string(), format % args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, app):
        super().__init__(address, _Handler)
        self.app = app


def serve(*, host: str, port: int, fake: FakeStripe | None = None, sender: WebhookSender | None = None,
          debug: bool | None = None):
    """Start the simulator in a background thread; -> (server, fake). Refuses without DEBUG."""
    if debug is None:
        from django.conf import settings

        debug = settings.DEBUG
    if not debug:
        raise SimulatorRefused("The payment simulator only runs with DEBUG on; set STRIPE_SECRET_KEY in production.")
    fake = fake or FakeStripe(hosted_base_url=f"http://{host}:{port}")
    if sender is not None:
        fake.on_event(sender)
    server = _Server((host, port), Simulator(fake))
    threading.Thread(target=server.serve_forever, daemon=True, name="payment-simulator").start()
    return server, fake


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    url = urlparse(settings.STRIPE_SIMULATOR_URL)
    public = f"{settings.SITE_SCHEME}://{settings.PLATFORM_DOMAIN}:{settings.SITE_PORT}"
    try:
        sender = WebhookSender(
            platform_url=f"{public}/billing/webhooks/stripe/", connect_url=f"{public}/billing/webhooks/stripe-connect/",
            platform_secret=settings.STRIPE_WEBHOOK_SECRET, connect_secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET,
            duplicate_rate=float(os.environ.get("STRIPE_SIMULATOR_DUPLICATE_RATE", "0.2")),
            delay=float(os.environ.get("STRIPE_SIMULATOR_DELAY", "0.3")))
        server, _ = serve(host=url.hostname or "127.0.0.1", port=url.port or 8765, sender=sender)
    except SimulatorRefused as exc:
        print(exc, flush=True)
        return 2
    print(f"Payment simulator on {settings.STRIPE_SIMULATOR_URL} (webhooks to {public})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
