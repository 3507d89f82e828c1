"""Browser journey: a learner backs a campaign (card saved at the payment simulator, nothing
charged), the deadline passes (moved in the test), settlement runs, and the learner finds the
pledge collected on "My pledges" with a receipt PDF. Web app under gunicorn, webhooks processed
by the real worker, Stripe = the simulator process. Committed data, removed afterwards."""
from __future__ import annotations

import base64
import io
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, require_browser

PASSWORD = "harbour-lantern-violet-73"


@pytest.fixture
def campaign_live(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    simulator = request.getfixturevalue("payment_simulator")
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from billing.commerce.models import LedgerEntry, LedgerTransaction, Order
    from billing.models import ConnectedAccount
    from crowdfunding.models import Campaign, Pledge
    from tenant_apps.accounts.services import user_create
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
        ConnectedAccount.objects.update_or_create(tenant=tenant, defaults=dict(
            stripe_account_id=f"acct_campaign{tag}", charges_enabled=True, payouts_enabled=True, details_submitted=True))
        with tenant_context(tenant):
            backer = user_create(email=f"backer-{tag}@acme.test", password=PASSWORD, role="learner",
                                 first_name="Cora", last_name="Backer")
            campaign = Campaign.objects.create(slug=f"library-{tag}", title=f"New library {tag}",
                                               pitch="Books for every learner", goal_amount=2500, currency="USD",
                                               deadline=timezone.now() + timedelta(days=10), state=Campaign.State.LIVE,
                                               published_at=timezone.now())
        connection.set_schema_to_public()
    yield {"base": f"http://acme.localhost:{port}", "campaign": campaign, "backer": backer, "tenant": tenant,
           "simulator": simulator}
    with django_db_blocker.unblock():
        with tenant_context(tenant):
            orders = Order.objects.filter(buyer=backer)
            LedgerEntry.objects.filter(transaction__order__in=orders).delete()
            LedgerTransaction.objects.filter(order__in=orders).delete()
            orders.delete()
            Pledge.objects.filter(campaign=campaign).delete()
            Campaign.objects.filter(pk=campaign.pk).delete()
            User.objects.filter(pk=backer.pk).delete()
        connection.set_schema_to_public()
        ConnectedAccount.objects.filter(tenant=tenant).delete()


def test_backer_pledges_deadline_passes_settlement_collects_and_a_receipt_is_there(campaign_live, django_db_blocker):
    from django.db import connection
    from django.test import override_settings
    from django.utils import timezone
    from django_tenants.utils import tenant_context
    from playwright.sync_api import expect, sync_playwright
    from pypdf import PdfReader

    from crowdfunding.models import Campaign, Pledge
    from crowdfunding.settlement import campaign_close, settlement_run

    c = campaign_live
    base, campaign = c["base"], c["campaign"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Email").fill(c["backer"].email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{base}/campaigns/{campaign.slug}/")
            expect(page.get_by_role("heading", name=campaign.title)).to_be_visible()
            page.get_by_role("link", name="Back this campaign").click()
            page.get_by_label("Amount").fill("25.00")
            page.get_by_role("button", name="Continue to save my card").click()
            expect(page.get_by_text("Payment simulator").first).to_be_visible()  # the card page (setup: no charge)
            expect(page.get_by_text("Nothing is charged now.")).to_be_visible()
            page.get_by_label("Card number").fill("4242 4242 4242 4242")
            page.get_by_role("button", name="Save card").click()
            expect(page).to_have_url(re.compile(r"/campaigns/my-pledges/[0-9a-f-]{36}/\?saved=1$"))
            for _ in range(40):  # the webhook (processed by the worker) activates the pledge
                if page.get_by_text("State: Active").count():
                    break
                page.wait_for_timeout(500)
                page.reload()
            expect(page.get_by_text("State: Active").first).to_be_visible()

            # The deadline passes; the beat job closes the campaign and settlement charges the card
            # (Django's ORM in a thread of its own: Playwright's loop runs in this one).
            def settle():
                with django_db_blocker.unblock(), override_settings(STRIPE_SECRET_KEY="", DEBUG=True,
                                                                  STRIPE_SIMULATOR_URL=c["simulator"]):
                    try:
                        with tenant_context(c["tenant"]):
                            Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - timedelta(seconds=1))
                            state = campaign_close(campaign_id=campaign.pk)
                            settlement_run.run(campaign.pk, inline=True)
                            return state, Pledge.objects.get(campaign=campaign).status
                    finally:
                        connection.close()

            with ThreadPoolExecutor(1) as pool:
                assert pool.submit(settle).result(timeout=60) == (Campaign.State.SUCCESSFUL, Pledge.Status.COLLECTED)

            page.goto(f"{base}/campaigns/my-pledges/")
            row = page.get_by_role("row").filter(has_text=campaign.title)
            expect(row).to_contain_text("Collected")
            href = row.get_by_role("link", name="PDF").get_attribute("href")
            pdf = page.evaluate("""async (url) => {
                const r = await fetch(url); const bytes = new Uint8Array(await r.arrayBuffer()); let s = "";
                for (const b of bytes) s += String.fromCharCode(b);
                return {status: r.status, type: r.headers.get("content-type"), data: btoa(s)}; }""", href)
            assert pdf["status"] == 200 and pdf["type"] == "application/pdf"
            text = "\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(base64.b64decode(pdf["data"]))).pages)
            assert f"Pledge to “{campaign.title}”" in text and "25.00 USD" in text
            page.screenshot(path=str(LOGS / "campaign-journey-collected.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(LOGS / "campaign-journey-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
