"""Browser journey: a learner completes a course whose rules award a certificate, the worker
issues it, the learner finds it under "Certificates", downloads its PDF (name, course, number
read back, the signed credential embedded) and opens its verification page (the QR target)
without being logged in: "Valid", with their name and the course as issued.

Headless Debian Chromium against the app under gunicorn and a real Celery worker (both see
committed data only): the accounts and the course are created committed and deleted afterwards.
"""
from __future__ import annotations

import json
import re
import secrets

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, require_browser

PASSWORD = "velvet-orchard-comet-58"


@pytest.fixture
def certified_course(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    request.getfixturevalue("celery_worker")
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    from conftest import Site
    from lms.certificates import services as certificate_services
    from lms.courses.tests.factories import build_course
    from lms.courses import services as course_services
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
    site = Site(tenant, f"acme.{settings.PLATFORM_DOMAIN}")
    emails = [f"cert-instructor-{tag}@acme.test", f"cert-learner-{tag}@acme.test"]
    slug = f"certified-{tag}"
    try:
        with django_db_blocker.unblock():
            instructor = site.make_user(role="instructor", email=emails[0], password=PASSWORD)
            site.make_user(role="learner", email=emails[1], password=PASSWORD, first_name="Cora", last_name="Certified")
            with tenant_context(tenant):
                course = build_course(author=instructor, title=f"Certified Writing {tag}", slug=slug, items=2)
                certificate_services.course_rules_update(
                    course=course, rules={"enabled": True, "min_completion_percent": 100}, actor=instructor)
                course_services.course_publish(course=course, author=instructor, change_note="v1")
            connection.set_schema_to_public()
        yield {"base": f"http://acme.localhost:{port}", "slug": slug, "title": f"Certified Writing {tag}",
               "email": emails[1]}
    finally:
        from django.contrib.auth.models import User

        from lms.courses.models import Course, Enrollment

        with django_db_blocker.unblock():
            with tenant_context(tenant):
                User.objects.filter(username__in=emails).delete()  # their certificates go with them
                for course in Course.objects.filter(slug=slug):
                    Enrollment.objects.filter(course=course).delete()
                    course.delete()
            connection.set_schema_to_public()


def test_learner_completes_the_course_gets_the_certificate_and_opens_the_qr_link(certified_course):
    from playwright.sync_api import expect, sync_playwright

    c = certified_course
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{c['base']}/accounts/login/")
            page.get_by_label("Email").fill(c["email"])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{c['base']}/")

            page.goto(f"{c['base']}/courses/{c['slug']}/")
            page.get_by_role("button", name="Enroll", exact=True).click()
            page.wait_for_url(re.compile(re.escape(f"{c['base']}/learn/{c['slug']}/items/")))
            page.get_by_role("button", name="Mark complete and continue").click()
            expect(page.get_by_role("heading", name="Reading 2", level=1)).to_be_visible()
            page.get_by_role("button", name="Mark complete", exact=True).click()

            # The worker issues the certificate after the last item's progress is committed.
            card = page.locator("[data-certificate]")
            for _ in range(60):
                page.goto(f"{c['base']}/certificates/")
                if card.count():
                    break
                page.wait_for_timeout(500)
            expect(card).to_contain_text(c["title"])
            expect(card).to_contain_text("Cora Certified")
            expect(card.get_by_role("link", name="Add to LinkedIn")).to_have_attribute(
                "href", re.compile(r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME&"))
            number = card.locator("code").inner_text()
            assert re.fullmatch(r"EC-[A-Z2-7]{16}", number)
            with page.expect_download() as info:
                card.get_by_role("link", name="Certificate (PDF)").click()
            download = info.value
            assert download.suggested_filename == f"certificate-{number}.pdf"
            from pypdf import PdfReader

            with open(download.path(), "rb") as handle:
                reader = PdfReader(handle)
                text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
                credential = json.loads(reader.attachments["credential.json"][0])
            assert "Cora Certified" in text and c["title"] in text and number in text
            assert credential["credentialSubject"]["achievement"]["name"] == c["title"]
            assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
            verify_url = card.get_by_role("link", name="Share: verification page").get_attribute("href")
            assert verify_url.endswith(f"/certificates/verify/{number}/")

            visitor = browser.new_context().new_page()  # anyone, not logged in, scanning the QR code
            visitor.goto(verify_url.replace("http://acme.localhost/", f"{c['base']}/"))
            status = visitor.locator("[data-status]")
            expect(status).to_have_attribute("data-status", "valid")
            expect(status).to_contain_text("Valid")
            expect(status).to_contain_text("Cora Certified")
            expect(status).to_contain_text(c["title"])
        finally:
            browser.close()
