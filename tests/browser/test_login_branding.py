"""The institution's login page keeps its identity (issue 12 item 1): Django's LoginView puts its
own `site` into the template context, which used to hide ours — the page showed the host name,
an empty brand colour (an invisible "Log in" button) and never "Create an account"."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, require_browser


def _set_branding(django_db_blocker, **fields) -> dict:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenant_apps.accounts.models import SiteSettings
    from tenant_apps.accounts.selectors import site_settings_cache_clear
    from tenants.models import Tenant

    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
        with tenant_context(tenant):
            row = SiteSettings.objects.filter(pk=1).first() or SiteSettings.objects.create(pk=1, display_name="Acme")
            before = {name: getattr(row, name) for name in fields}
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
            site_settings_cache_clear()
        connection.set_schema_to_public()
    return before


@pytest.fixture
def acme_base(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    before = _set_branding(django_db_blocker, display_name="Acme Institute of Learning", primary_color="#b91c1c",
                           allow_self_registration=True)
    yield f"http://acme.localhost:{port}"
    _set_branding(django_db_blocker, **before)


def test_login_page_shows_institution_name_brand_colour_and_signup(acme_base, django_db_blocker):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{acme_base}/accounts/login/")
            expect(page.get_by_role("heading", name="Log in to Acme Institute of Learning")).to_be_visible()
            expect(page.locator("header .brand")).to_have_text("Acme Institute of Learning")
            button = page.get_by_role("button", name="Log in")
            expect(button).to_be_visible()
            background = button.evaluate("b => getComputedStyle(b).backgroundColor")
            assert background == "rgb(185, 28, 28)", background
            expect(page.get_by_role("link", name="Create an account")).to_be_visible()
            LOGS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(LOGS / "login-branding.png"), full_page=True)

            # Playwright's sync API runs an event loop here; the ORM call goes to a thread.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(_set_branding, django_db_blocker, allow_self_registration=False).result()
            page.goto(f"{acme_base}/accounts/login/")
            expect(page.get_by_role("heading", name="Log in to Acme Institute of Learning")).to_be_visible()
            expect(page.get_by_role("link", name="Create an account")).to_have_count(0)
        finally:
            browser.close()
