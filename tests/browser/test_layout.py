"""Phones and the admin header (issue 12 item 7), looked at in Chromium at 390 px and 1280 px:
the header menu folds behind "Menu" on a phone (no JavaScript needed), the lesson comes before
the outline in the player on a phone, and the admin's header stays on one line at 1280 px."""
from __future__ import annotations

import secrets

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, log_in, require_browser

PASSWORD = "amber-kestrel-lantern-92"


@pytest.fixture
def people(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django_tenants.utils import tenant_context

    from conftest import Site
    from lms.courses import services as course_services
    from lms.courses.models import ContentItem, Course, Enrollment
    from lms.courses.tests.factories import build_published_course
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    emails = {role: f"{role}-{tag}@acme.test" for role in ("tenant_admin", "instructor", "learner")}
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
        site = Site(tenant, f"acme.{settings.PLATFORM_DOMAIN}")
        users = {role: site.make_user(role=role, email=email, password=PASSWORD, first_name="Alexandra",
                                      last_name="Administrator-Longname") for role, email in emails.items()}
        with tenant_context(tenant):
            course = build_published_course(author=users["instructor"], title=f"Layout {tag}", slug=f"layout-{tag}")
            course_services.enrollment_create(course=course, learner=users["learner"])
            item = ContentItem.objects.filter(lesson__module__course=course).order_by("pk").first()
        connection.set_schema_to_public()
    try:
        yield {"base": f"http://acme.localhost:{port}", "emails": emails, "slug": course.slug, "item": item.uuid}
    finally:
        with django_db_blocker.unblock():
            with tenant_context(tenant):
                for c in Course.objects.filter(slug=f"layout-{tag}"):
                    Enrollment.objects.filter(course=c).delete()
                    c.delete()
                User.objects.filter(username__in=emails.values()).delete()
            connection.set_schema_to_public()


def _shot(page, name):
    LOGS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LOGS / f"layout-{name}.png"), full_page=True)


def _log_in(page, base, email):
    log_in(page, base, email, PASSWORD)


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_admin_header_is_one_line_at_1280(people):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            _log_in(page, people["base"], people["emails"]["tenant_admin"])
            page.goto(f"{people['base']}/manage/users/")
            assert page.locator("header .menu-button").is_hidden()
            links = page.locator("header nav a")
            tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
            assert len(tops) == 1, f"the nav wraps onto {len(tops)} lines"
            me = _box(page, "header .me")
            bar = _box(page, "header .bar")
            _shot(page, "manage-1280")
            assert bar["height"] < 70 and me["y"] + me["height"] <= bar["y"] + bar["height"]
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            _shot(page, "manage-1280")
        finally:
            browser.close()


def test_phone_menu_folds_and_the_lesson_comes_first(people):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            for javascript in (True, False):
                context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=javascript)
                page = context.new_page()
                _log_in(page, people["base"], people["emails"]["tenant_admin"])
                nav = page.locator("header nav")
                expect(nav).to_be_hidden()
                assert _box(page, "header.top")["height"] < 80
                _shot(page, f"phone-closed-js-{javascript}")
                page.get_by_text("Menu", exact=True).click()
                expect(nav).to_be_visible()
                expect(nav.get_by_role("link", name="Manage")).to_be_visible()
                assert page.evaluate("document.documentElement.scrollWidth") <= 390
                _shot(page, f"phone-open-js-{javascript}")
                context.close()

            context = browser.new_context(viewport={"width": 390, "height": 844})
            page = context.new_page()
            _log_in(page, people["base"], people["emails"]["learner"])
            page.goto(f"{people['base']}/learn/{people['slug']}/items/{people['item']}/")
            article, outline = _box(page, ".player > article"), _box(page, ".player > aside")
            assert article["y"] + article["height"] <= outline["y"], (article, outline)
            _shot(page, "player-390")
            context.close()
        finally:
            browser.close()
