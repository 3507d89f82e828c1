"""Browser journey: start an institution on the public site, land signed in on the new site,
log out and back in. Headless Debian Chromium against the app under gunicorn."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOT = Path(__file__).resolve().parents[2] / ".data" / "test" / "logs" / "signup-journey.png"
PASSWORD = "lantern-quarry-forty-owls"


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _require_browser() -> None:
    """Skip where Chromium is not installed, but never let CI pass without running the journey."""
    problem = None
    if not os.access(CHROMIUM, os.X_OK):
        problem = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed"
    if problem:
        if _on_ci():
            pytest.fail(f"browser test cannot run on CI: {problem}")
        pytest.skip(f"browser test skipped: {problem}")


@pytest.fixture
def live_site(request, django_db_blocker):
    """The live server's port and a unique subdomain; the institution the journey creates is
    dropped afterwards. Checks for the browser first, so a skip starts no server."""
    _require_browser()
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
def test_start_institution_then_log_out_and_in(live_site):
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

            # The hand-off link signs the new admin in on their own site.
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
