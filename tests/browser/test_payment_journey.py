"""Browser journeys through the local payment simulator (Stripe's hosted pages, served offline),
with the web app under gunicorn, signed webhooks (each delivered twice) and a real worker:

1. a learner buys a priced course: a declined card first (told, nothing charged), then 4242…;
   the return page waits for the webhook and lands enrolled; the receipt PDF reads back;
2. the institution's admin moves it to a paid plan from the Billing page.

Data is committed (the servers see committed data only), unique per run, removed afterwards.
"""
from __future__ import annotations

import base64
import io
import re
import secrets

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, require_browser

PASSWORD = "lantern-otter-meadow-58"
ADMIN_PASSWORD = "correct-horse-battery-staple"  # conftest's


@pytest.fixture
def shop(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    request.getfixturevalue("payment_simulator")
    from django.contrib.auth.models import User
    from django.db import connection
    from django_tenants.utils import tenant_context

    from billing.commerce.models import LedgerEntry, LedgerTransaction, Order
    from billing.models import ConnectedAccount, Subscription
    from lms.courses.models import Course, Enrollment
    from lms.courses.tests.factories import build_published_course
    from tenant_apps.accounts.services import user_create
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
        subscription = Subscription.objects.get(tenant=tenant)
        saved = {f: getattr(subscription, f) for f in ("plan_id", "status", "stripe_customer_id", "stripe_subscription_id",
                                                       "current_period_end", "trial_end", "had_trial", "interval")}
        ConnectedAccount.objects.update_or_create(tenant=tenant, defaults=dict(
            stripe_account_id=f"acct_browser{tag}", charges_enabled=True, payouts_enabled=True, details_submitted=True))
        with tenant_context(tenant):
            author = user_create(email=f"author-{tag}@acme.test", password=PASSWORD, role="instructor")
            learner = user_create(email=f"buyer-{tag}@acme.test", password=PASSWORD, role="learner",
                                  first_name="Bea", last_name="Buyer")
            course = build_published_course(author=author, title=f"Glazing {tag}", slug=f"glazing-{tag}",
                                            price_amount=3900, price_currency="USD")
        connection.set_schema_to_public()
    yield {"base": f"http://acme.localhost:{port}", "course": course, "learner": learner, "tag": tag}
    with django_db_blocker.unblock():
        with tenant_context(tenant):
            orders = Order.objects.filter(product_ref=str(course.uuid))
            LedgerEntry.objects.filter(transaction__order__in=orders).delete()
            LedgerTransaction.objects.filter(order__in=orders).delete()
            orders.delete()
            Enrollment.objects.filter(course=course).delete()
            Course.objects.filter(pk=course.pk).delete()
            User.objects.filter(pk__in=[author.pk, learner.pk]).delete()
        connection.set_schema_to_public()
        ConnectedAccount.objects.filter(tenant=tenant).delete()
        subscription.invoices.all().delete()
        Subscription.objects.filter(pk=subscription.pk).update(**saved)


def _login(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_learner_buys_a_course_through_the_simulator_and_lands_enrolled_with_a_receipt(shop, django_db_blocker):
    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    base, course = shop["base"], shop["course"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        try:
            _login(page, base, shop["learner"].email, PASSWORD)
            page.goto(f"{base}/courses/{course.slug}/")
            page.get_by_role("button", name="Buy for 39.00 USD").click()
            expect(page.get_by_role("heading", name=f"Buy “{course.title}”")).to_be_visible()
            expect(page.get_by_text("local payment simulator")).to_be_visible()
            page.get_by_role("button", name="Pay 39.00 USD").click()
            # Stripe's hosted checkout, as the simulator serves it
            expect(page.get_by_text("Payment simulator").first).to_be_visible()
            page.get_by_label("Card number").fill("4000 0000 0000 0002")
            page.get_by_role("button", name="Pay").click()
            expect(page.get_by_role("alert")).to_contain_text("Your card was declined.")
            page.get_by_label("Card number").fill("4242 4242 4242 4242")
            page.get_by_role("button", name="Pay").click()
            # back on the institution's site: confirming until the webhook lands, then enrolled
            expect(page).to_have_url(re.compile(r"/billing/orders/[0-9a-f-]{36}/\?paid=1$"))
            expect(page.locator("[data-state=paid]")).to_contain_text("Payment confirmed", timeout=45_000)
            receipt_href = page.get_by_role("link", name="Receipt (PDF)").get_attribute("href")
            # fetched by the page itself (its session; *.localhost resolves inside Chromium only)
            pdf = page.evaluate("""async (url) => {
                const r = await fetch(url); const bytes = new Uint8Array(await r.arrayBuffer()); let s = "";
                for (const b of bytes) s += String.fromCharCode(b);
                return {status: r.status, type: r.headers.get("content-type"), data: btoa(s)}; }""", receipt_href)
            assert pdf["status"] == 200 and pdf["type"] == "application/pdf"
            body = base64.b64decode(pdf["data"])
            text = "\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(body)).pages)
            assert "Receipt" in text and course.title in text and "39.00 USD" in text and shop["learner"].email in text
            page.get_by_role("link", name="Go to the course").click()
            expect(page.get_by_role("heading", name="You are enrolled")).to_be_visible()
            page.screenshot(path=str(LOGS / "payment-journey-enrolled.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(LOGS / "payment-journey-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    from django_tenants.utils import tenant_context

    from billing.commerce.models import LedgerTransaction, Order
    from lms.courses.models import Enrollment
    from tenants.models import Tenant

    with django_db_blocker.unblock(), tenant_context(Tenant.objects.get(slug="acme")):
        order = Order.objects.get(product_ref=str(course.uuid))
        assert order.status == "paid" and LedgerTransaction.objects.filter(order=order).count() == 1  # delivered twice
        assert Enrollment.objects.get(course=course, learner=shop["learner"]).source == "payment"


def test_admin_moves_the_institution_to_a_paid_plan_through_the_simulator(shop):
    from playwright.sync_api import expect, sync_playwright

    base = shop["base"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        try:
            _login(page, base, "admin@acme.test", ADMIN_PASSWORD)
            page.goto(f"{base}/manage/billing/")
            row = page.get_by_role("row").filter(has_text="Pro")
            row.get_by_role("button", name="Choose monthly").click()
            expect(page.get_by_text("Payment simulator").first).to_be_visible()
            page.get_by_label("Card number").fill("4242424242424242")
            page.get_by_role("button", name="Pay").click()
            expect(page).to_have_url(re.compile(r"/manage/billing/"))
            for _ in range(30):  # the page shows what the webhook recorded; reload until it has
                if page.locator("section[aria-labelledby=current]").filter(has_text="Pro — Active").count():
                    break
                page.wait_for_timeout(1000)
                page.reload()
            expect(page.locator("section[aria-labelledby=current]")).to_contain_text("Pro — Active")
            page.screenshot(path=str(LOGS / "plan-upgrade.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(LOGS / "plan-upgrade-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
