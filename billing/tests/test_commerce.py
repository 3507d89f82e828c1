"""Learners pay the institution: buy → Stripe Checkout → webhook → one idempotent fulfilment."""
from __future__ import annotations

import pytest

from django.core.exceptions import ValidationError

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


# --- refunds, coupons, receipts, admin pages ------------------------------------------------------

def _paid_order(shop, public_client, coupon=""):
    client = shop.site.client(shop.learner)
    order, session_id = _buy(shop, client, coupon)
    shop.fake.checkout_pay(session_id, CARD_SUCCEEDS)
    deliver(public_client, shop.fake)
    with shop.site:
        order.refresh_from_db()
    assert order.status == "paid"
    return order


def test_partial_then_full_refund_updates_ledger_and_enrollment(shop, public_client, admin_a):
    order = _paid_order(shop, public_client)
    admin = shop.site.client(admin_a)
    page = admin.get(f"/manage/payments/orders/{order.public_id}/")
    assert page.status_code == 200 and "Up to 49.00 USD can be refunded" in page.content.decode()
    too_much = admin.post(f"/manage/payments/orders/{order.public_id}/refund", {"amount": "50.00", "revoke_access": "keep"})
    assert too_much.status_code == 400 and "At most 49.00 USD can still be refunded" in too_much.content.decode()
    partial = admin.post(f"/manage/payments/orders/{order.public_id}/refund",
                         {"amount": "19.60", "revoke_access": "keep", "reason": "late start"})
    assert partial.status_code == 302
    n = deliver(public_client, shop.fake)  # refund.created arrives too: applied once only
    with shop.site:
        order.refresh_from_db()
        assert (order.status, order.refunded_amount) == ("partially_refunded", 1960)
        refund_entries = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction__kind="refund")}
        assert refund_entries == {"customer": 1960, "institution": -1862, "platform": -98}  # 98 = 245 × 1960/4900
        assert ledger.unbalanced_transactions() == []
    assert _enrollment(shop).status == "active"
    full = admin.post(f"/manage/payments/orders/{order.public_id}/refund", {"amount": "29.40", "revoke_access": "revoke"})
    assert full.status_code == 302
    deliver(public_client, shop.fake, n)
    with shop.site:
        order.refresh_from_db()
        assert (order.status, order.refunded_amount) == ("refunded", 4900)
        assert LedgerTransaction.objects.filter(order=order, kind="refund").count() == 2
        balances = ledger.balances(currency="USD")
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="order.refund").count() == 2
    assert balances[("customer", "USD")] == 0 and balances[("processor_fees", "USD")] == 172
    assert balances[("platform", "USD")] == 73 - 245  # the platform paid Stripe's fee and refunded its own
    assert _enrollment(shop).status == "dropped"
    assert "Refunded in full" in _pdf_text(shop.site.client(shop.learner).get(f"/billing/orders/{order.public_id}/receipt.pdf"))


def _pdf_text(response) -> str:
    import io

    from pypdf import PdfReader

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_receipt_pdf_reads_back_with_institution_lines_coupon_and_amounts(shop, public_client, admin_a, site_b,
                                                                          django_capture_on_commit_callbacks):
    from billing.commerce.models import SellerProfile
    from billing.commerce import services

    with shop.site:
        SellerProfile.objects.create(legal_name="Acme Academy Ltd", address="1 Main Street\nSpringfield", tax_id="VAT-123-456")
        services.coupon_create(code="spring10", kind="percent", percent_off=10)
    with django_capture_on_commit_callbacks(execute=True):
        order = _paid_order(shop, public_client, coupon="SPRING10")
    text = _pdf_text(shop.site.client(shop.learner).get(f"/billing/orders/{order.public_id}/receipt.pdf"))
    for expected in ("Receipt", order.number, "Acme Academy Ltd", "Springfield", "Tax ID: VAT-123-456", "Paid Pottery",
                     "49.00 USD", "Coupon SPRING10", "−4.90 USD", "Total paid", "44.10 USD", shop.learner.email):
        assert expected in text, expected
    # Only the buyer (or the institution's admins) get it; another learner and another tenant get 404.
    assert shop.site.client(shop.site.make_user("learner")).get(f"/billing/orders/{order.public_id}/receipt.pdf").status_code == 404
    assert shop.site.client(admin_a).get(f"/billing/orders/{order.public_id}/receipt.pdf").status_code == 200
    from django.contrib.auth.models import User

    with site_b:
        admin_b = User.objects.get(username="admin@globex.test")
    assert site_b.client(admin_b).get(f"/billing/orders/{order.public_id}/receipt.pdf").status_code == 404
    from django.core import mail

    receipt_mail = [m for m in mail.outbox if order.number in m.subject]
    assert len(receipt_mail) == 1 and "44.10 USD" in receipt_mail[0].body and receipt_mail[0].to == [shop.learner.email]


def test_coupons_percent_fixed_scope_expiry_and_limit(shop, public_client, admin_a):
    from datetime import timedelta

    from django.utils import timezone

    from billing.commerce import services
    from billing.commerce.models import Coupon

    admin = shop.site.client(admin_a)
    made = admin.post("/manage/payments/coupons/", {"code": "five-off", "kind": "fixed", "amount_off": "5.00", "currency": "usd",
                                                    "product_ref": f"course:{shop.ref}", "max_redemptions": "1"})
    assert made.status_code == 302
    bad = admin.post("/manage/payments/coupons/", {"code": "FIVE-OFF", "kind": "percent", "percent_off": "10"})
    assert bad.status_code == 400 and "There is already a coupon “FIVE-OFF”" in bad.content.decode()
    with shop.site:
        with pytest.raises(ValidationError, match="Prices on this site are in USD"):
            services.coupon_create(code="EUROS", kind="fixed", amount_off=500, currency="EUR")
        services.coupon_create(code="OLD", kind="percent", percent_off=50, expires_at=timezone.now() + timedelta(seconds=1))
        Coupon.objects.filter(code="OLD").update(expires_at=timezone.now() - timedelta(days=1))
    client = shop.site.client(shop.learner)
    page = client.get(f"/billing/buy/course/{shop.ref}/?coupon=five-off").content.decode()
    assert "Pay 44.00 USD" in page
    assert "has expired" in client.get(f"/billing/buy/course/{shop.ref}/?coupon=old").content.decode()
    assert "There is no such coupon" in client.get(f"/billing/buy/course/{shop.ref}/?coupon=nope").content.decode()
    order = _paid_order(shop, public_client, coupon="five-off")
    assert (order.total_amount, order.discount_amount, order.coupon_code) == (4400, 500, "FIVE-OFF")
    second = shop.site.client(shop.site.make_user("learner"))
    used_up = second.post(f"/billing/buy/course/{shop.ref}/", {"coupon": "five-off"})
    assert used_up.status_code == 400 and "has been used up" in used_up.content.decode()


def test_a_failed_checkout_gives_the_coupon_use_back(shop, public_client):
    from billing.commerce import services
    from billing.commerce.models import Coupon
    from billing import gateway

    with shop.site:
        services.coupon_create(code="ONCE", kind="percent", percent_off=20, max_redemptions=1)
    order, session_id = _buy(shop, shop.site.client(shop.learner), "ONCE")
    with shop.site:
        assert Coupon.objects.get(code="ONCE").times_redeemed == 1
    gateway.checkout_session_expire(session_id)
    deliver(public_client, shop.fake)
    with shop.site:
        order.refresh_from_db()
        assert order.status == "canceled" and Coupon.objects.get(code="ONCE").times_redeemed == 0


def test_a_100_percent_coupon_enrolls_without_stripe(shop):
    from billing.commerce import services

    with shop.site:
        services.coupon_create(code="FREE", kind="percent", percent_off=100)
    response = shop.site.client(shop.learner).post(f"/billing/buy/course/{shop.ref}/", {"coupon": "free"})
    assert response.status_code == 302 and response["Location"] == f"/courses/{shop.course.slug}/"
    assert _enrollment(shop).source == "payment" and not shop.fake.events_of("checkout.session.completed")


def test_orders_admin_list_filters_csv_and_totals_from_the_ledger(shop, public_client, admin_a):
    order = _paid_order(shop, public_client)
    admin = shop.site.client(admin_a)
    listing = admin.get("/manage/payments/orders/?status=paid").content.decode()
    assert order.number in listing and "49.00 USD" in listing
    assert "<td>0.73 USD</td><td>1.72 USD</td><td>46.55 USD</td>" in listing  # platform (net), Stripe, institution: the ledger
    assert order.number not in admin.get("/manage/payments/orders/?status=refunded").content.decode()
    csv_response = admin.get("/manage/payments/orders/?format=csv&q=" + shop.learner.email)
    body = b"".join(csv_response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("number,created_at,status") and len(lines) == 2 and lines[1].startswith(order.number)
    assert ",49.00," in lines[1]
    # Learners and staff who are not admins are refused.
    assert shop.site.client(shop.learner).get("/manage/payments/orders/").status_code == 403


def test_payment_history_lists_own_orders_only(shop, public_client, site_a):
    order = _paid_order(shop, public_client)
    mine = shop.site.client(shop.learner).get("/billing/payments/").content.decode()
    assert order.number in mine and "49.00 USD" in mine
    other = site_a.client(site_a.make_user("learner")).get("/billing/payments/").content.decode()
    assert order.number not in other and "No payments yet" in other


def test_cannot_sell_without_a_charges_enabled_account(shop):
    from billing.models import ConnectedAccount

    ConnectedAccount.objects.filter(tenant=shop.site.tenant).update(charges_enabled=False)
    response = shop.site.client(shop.learner).post(f"/billing/buy/course/{shop.ref}/", {})
    assert response.status_code == 400 and "cannot take payments yet" in response.content.decode()
    with shop.site:
        assert not Order.objects.exists()


def test_three_decimal_and_zero_decimal_prices(site_a, stripe_fake, admin_a, public_client):
    from billing.tests.commerce_helpers import shop_open

    kwd = shop_open(site_a, stripe_fake, admin_a, price=12345, currency="KWD", title="Kuwait", slug="kwd-course")
    order = _paid_order(kwd, public_client)
    assert (order.total_amount, order.currency) == (12350, "KWD")  # Stripe takes 3-decimal amounts in tens
    jpy = shop_open(site_a, stripe_fake, admin_a, price=5000, currency="JPY", title="Tokyo", slug="jpy-course")
    order = _paid_order(jpy, public_client)
    with site_a:
        figures = {e.account: e.amount for e in LedgerEntry.objects.filter(transaction__order=order)}
    assert figures == {"customer": -5000, "institution": 4750, "platform": 250 - 145, "processor_fees": 145}  # 2.9 %, no fixed part


# --- the API --------------------------------------------------------------------------------------

def test_api_buy_poll_receipt_refund_and_coupons(shop, public_client, admin_a):
    learner = shop.site.client(shop.learner)
    admin = shop.site.client(admin_a)
    made = admin.post("/api/v1/manage/billing/coupons", {"code": "api10", "kind": "percent", "percent_off": 10},
                      content_type="application/json")
    assert made.status_code == 201 and made.json()["code"] == "API10"
    assert learner.post("/api/v1/manage/billing/coupons", {"code": "x", "kind": "percent", "percent_off": 5},
                        content_type="application/json").status_code == 403
    bad = learner.post("/api/v1/billing/orders", {"product_kind": "course", "product_ref": shop.ref, "coupon": "nope"},
                       content_type="application/json")
    assert bad.status_code == 400 and bad.json()["message"] == "There is no such coupon."
    created = learner.post("/api/v1/billing/orders", {"product_kind": "course", "product_ref": shop.ref, "coupon": "api10"},
                           content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["order"]["total_amount"] == 4410 and body["order"]["status"] == "pending"
    assert body["checkout_url"].startswith("https://simulator.test/checkout/")
    order_id = body["order"]["id"]
    shop.fake.checkout_pay(session_id_of(body["checkout_url"]), CARD_SUCCEEDS)
    assert learner.get(f"/api/v1/billing/orders/{order_id}").json()["status"] == "pending"
    deliver(public_client, shop.fake)
    polled = learner.get(f"/api/v1/billing/orders/{order_id}").json()
    assert polled["status"] == "paid" and polled["receipt_url"] == f"/api/v1/billing/orders/{order_id}/receipt"
    assert learner.get(polled["receipt_url"])["Content-Type"] == "application/pdf"
    again = learner.post("/api/v1/billing/orders", {"product_kind": "course", "product_ref": shop.ref},
                         content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_enrolled"
    listed = admin.get("/api/v1/manage/billing/orders?status=paid").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["number"] for r in rows] == [polled["number"]] and rows[0]["application_fee_amount"] == 221
    too_much = admin.post(f"/api/v1/manage/billing/orders/{order_id}/refunds", {"amount": 99999}, content_type="application/json")
    assert too_much.status_code == 400 and "can still be refunded" in too_much.json()["message"]
    refunded = admin.post(f"/api/v1/manage/billing/orders/{order_id}/refunds", {"amount": 4410, "revoke_access": True},
                          content_type="application/json")
    assert refunded.status_code == 201 and refunded.json()["status"] == "refunded"
    assert _enrollment(shop).status == "dropped"
    assert admin.delete("/api/v1/manage/billing/coupons/API10").status_code == 204
    assert learner.get(f"/billing/buy/course/{shop.ref}/?coupon=api10").content.decode().count("no longer valid") == 1
    assert learner.get("/api/v1/billing/orders/not-a-uuid").status_code == 404


# --- tracks ---------------------------------------------------------------------------------------

def test_buying_a_track_joins_it_and_opens_its_priced_courses(shop, public_client, admin_a):
    from lms.tracks import services as track_services
    from lms.tracks.models import TrackEnrollment, TrackItem

    with shop.site:
        track = track_services.track_create(author=admin_a, title="Ceramics programme", free_order=True)
        item = track_services.track_add_course(track=track, course=shop.course, actor=admin_a)
        track_services.track_update(track=track, actor=admin_a, is_published=True, price_amount=9900, price_currency="USD")
    client = shop.site.client(shop.learner)
    assert "Buy this track for 99.00 USD" in client.get(f"/tracks/{track.slug}/").content.decode()
    join = client.post(f"/tracks/{track.slug}/join/")
    assert join.status_code == 302 and join["Location"] == f"/billing/buy/track/{track.uuid}/"
    api_join = client.post(f"/api/v1/tracks/{track.slug}/join")
    assert api_join.status_code == 402 and api_join.json()["checkout_url"] == f"/billing/buy/track/{track.uuid}/"
    response = client.post(join["Location"], {})
    assert response.status_code == 302
    shop.fake.checkout_pay(session_id_of(response["Location"]), CARD_SUCCEEDS)
    deliver(public_client, shop.fake)
    with shop.site:
        membership = TrackEnrollment.objects.get(track=track, learner=shop.learner)
        assert membership.source == "payment"
        order = Order.objects.get(product_kind="track", product_ref=str(track.uuid))
        assert order.status == "paid" and order.total_amount == 9900
        item = TrackItem.objects.get(pk=item.pk)
    started = client.post(f"/tracks/{track.slug}/items/{item.uuid}/start/")
    assert started.status_code == 302
    enrollment = _enrollment(shop)
    assert enrollment.source == "payment" and "Ceramics programme" in enrollment.note  # the course was not bought again
    with shop.site:
        assert Order.objects.filter(product_kind="course").count() == 0
    admin = shop.site.client(admin_a)
    assert admin.post(f"/manage/payments/orders/{order.public_id}/refund",
                      {"amount": "99.00", "revoke_access": "revoke"}).status_code == 302
    with shop.site:
        assert not TrackEnrollment.objects.filter(track=track, learner=shop.learner).exists()


def test_payouts_are_ledgered_and_the_console_reads_platform_fees_from_the_ledgers(shop, public_client):
    from billing.testing import webhook_post

    _paid_order(shop, public_client)
    n = len(shop.fake.events)
    shop.fake.payout(shop.account_id, 4000, "usd")
    event = shop.fake.events[n]
    assert event["type"] == "payout.paid" and event["account"] == shop.account_id
    assert webhook_post(public_client, event).status_code == 200
    deliver(public_client, shop.fake, n)
    with shop.site:
        payout = LedgerTransaction.objects.get(kind="payout")
        assert {e.account: e.amount for e in payout.entries.all()} == {"institution": -4000, "institution_bank": 4000}
        assert ledger.balances(currency="USD")[("institution", "USD")] == 4655 - 4000
    from billing.revenue import billing_overview

    payments = billing_overview().learner_payments
    assert [(r["currency"], r["paid"], r["platform_fees"]) for r in payments] == [("USD", 4900, 73)]


def test_receipt_with_the_institution_logo_renders_it_and_fetches_nothing_else(shop, public_client,
                                                                              django_capture_on_commit_callbacks):
    import io

    from django.core.files.base import ContentFile
    from pypdf import PdfReader

    from billing.commerce import receipts
    from tenant_apps.accounts.models import SiteSettings

    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
    with shop.site:
        site = SiteSettings.objects.get()
        site.logo.save("logo.png", ContentFile(png))
    with django_capture_on_commit_callbacks(execute=True):
        order = _paid_order(shop, public_client)
    response = shop.site.client(shop.learner).get(f"/billing/orders/{order.public_id}/receipt.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    assert order.number in reader.pages[0].extract_text()
    assert any(page.images for page in reader.pages)  # the logo is drawn
    fetcher = receipts.receipt_url_fetcher()
    with pytest.raises(receipts.FetchRefused):
        fetcher.fetch("http://127.0.0.1:9/steal.png")
    with pytest.raises(receipts.FetchRefused):
        fetcher.fetch("file:///etc/passwd")
