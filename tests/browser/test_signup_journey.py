"""Browser journey: start an institution on the public site, land signed in on the new site,
log out and back in. Headless Debian Chromium against the app under gunicorn."""
from __future__ import annotations

import re
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, require_browser

SCREENSHOT = LOGS / "signup-journey.png"
PASSWORD = "lantern-quarry-forty-owls"




def _verification_token(slug: str, email: str, django_db_blocker) -> str:
    from django.contrib.auth.models import User
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenants.activation import activation_token_make
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug=slug)
        assert tenant.status == Tenant.Status.PENDING
        with tenant_context(tenant):
            admin_id = User.objects.get(username=email).pk
        connection.set_schema_to_public()
    return activation_token_make(tenant_uuid=str(tenant.uuid), user_id=admin_id)


@pytest.fixture
def live_site(request, django_db_blocker):
    """The live server's port and a unique subdomain; the institution the journey creates is
    dropped afterwards. Checks for the browser first, so a skip starts no server."""
    require_browser()
    port = request.getfixturevalue("live_server_port")
    slug = "br" + secrets.token_hex(4)
    yield port, slug
    from tenants.models import Tenant
    from tenants.services import tenant_delete

    with django_db_blocker.unblock():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is not None:
            tenant_delete(tenant=tenant, confirmation=slug)


@pytest.mark.browser
def test_start_institution_then_log_out_and_in(live_site, django_db_blocker):
    from playwright.sync_api import expect, sync_playwright

    port, institution = live_site
    email = f"founder@{institution}.test"
    site = f"http://{institution}.localhost:{port}"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)

            page.goto(f"http://localhost:{port}/start/")
            expect(page.get_by_role("heading", name="Start your institution")).to_be_visible()
            page.get_by_label("Institution name").fill("Browser Test College")
            page.get_by_label("Subdomain").fill(institution)
            page.get_by_label("Your first name").fill("Bea")
            page.get_by_label("Your last name").fill("Browser")
            page.get_by_label("Your email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_label("Pro").check()
            page.get_by_role("button", name="Create my institution").click()

            # The institution waits for its admin's email to be confirmed (that its site is closed
            # meanwhile is tested in shared_apps/signup/tests: visiting it here would put the pending
            # state into the web process's few-second routing cache).
            expect(page.locator("main")).to_contain_text("Check your email")
            # The emailed link (mail delivery itself is tested in tenants/tests/test_mail.py) is the
            # one the sign-up made: signed for this institution and its admin.
            with ThreadPoolExecutor(1) as pool:  # the ORM refuses to run inside Playwright's event loop
                token = pool.submit(_verification_token, institution, email, django_db_blocker).result()
            page.goto(f"http://localhost:{port}/start/verify/{token}/")
            # The link activates the institution and the hand-off signs the new admin in on their own site.
            page.wait_for_url(f"{site}/")
            expect(page.locator("main")).to_contain_text(f"You are signed in as {email} (Administrator)")
            expect(page.locator("main")).to_contain_text("Welcome to Browser Test College")
            expect(page.locator(".messages")).to_contain_text("Welcome to your new site!")

            page.get_by_role("button", name="Log out").click()
            page.wait_for_url(f"{site}/")
            expect(page.locator("main")).not_to_contain_text(email)

            page.get_by_role("link", name="Log in").first.click()
            page.wait_for_url(re.compile(re.escape(f"{site}/accounts/login/")))
            page.get_by_label("Email").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()

            page.wait_for_url(f"{site}/")
            expect(page.locator("main")).to_contain_text(f"You are signed in as {email}")
            expect(page.get_by_role("link", name="Members").first).to_be_visible()

            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
