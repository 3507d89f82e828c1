"""Browser journey: a learner with data in every area opens "Your data" from the profile,
requests an export, watches the progress bar (HTMX polling) until it is ready (built by the
real worker), downloads the ZIP and finds every area, their submission file and index.html in it.
Web app under gunicorn, committed data (unique per run), removed afterwards."""
from __future__ import annotations

import io
import json
import secrets
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, require_browser

PASSWORD = "lantern-otter-meadow-58"


@pytest.fixture
def learner_with_data(request, django_db_blocker):
    require_browser()
    port = request.getfixturevalue("live_server_port")
    request.getfixturevalue("celery_worker")
    from django.core.files.storage import default_storage
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenant_apps.accounts.services import user_create
    from tenant_apps.privacy.models import ExportRequest
    from tenant_apps.privacy.tests.seed import classroom_create, learner_seed
    from tests.isolation.seed import _rows_remove, _rows_snapshot
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
        before = _rows_snapshot(tenant.schema_name)
        with tenant_context(tenant):
            instructor = user_create(email=f"exp-teacher-{tag}@acme.test", password=PASSWORD, role="instructor")
            learner = user_create(email=f"exp-learner-{tag}@acme.test", password=PASSWORD, role="learner")
            seeded = learner_seed(room=classroom_create(instructor=instructor), user=learner, mark=f"BROWSER{tag}",
                                  amount=1900)
        connection.set_schema_to_public()
    yield {"base": f"http://acme.localhost:{port}", "seeded": seeded, "tenant": tenant}
    with django_db_blocker.unblock():
        with tenant_context(tenant):
            for name in ExportRequest.objects.filter(user=learner).values_list("file_name", flat=True):
                if name:
                    default_storage.delete(name)
            for name in (seeded.submission.file.name, seeded.step_submission.file.name):
                default_storage.delete(name)
        connection.set_schema_to_public()
        _rows_remove(tenant.schema_name, before)
        connection.set_schema_to_public()


def test_learner_requests_an_export_watches_progress_and_downloads_the_zip(learner_with_data, django_db_blocker):
    from playwright.sync_api import expect, sync_playwright

    from tenant_apps.privacy.registry import providers

    c = learner_with_data
    base, seeded = c["base"], c["seeded"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
        page.set_default_timeout(30_000)
        try:
            page.goto(f"{base}/accounts/login/")
            page.get_by_label("Email").fill(seeded.user.email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.goto(f"{base}/accounts/profile/")
            page.get_by_role("link", name="Your data (download a copy)").click()
            expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
            page.get_by_role("button", name="Request an export").click()
            expect(page.get_by_text("Your export is being prepared")).to_be_visible()
            bar = page.get_by_role("progressbar", name="Export progress")
            expect(bar).to_be_visible()
            # No reload: the section polls itself until the worker has built the ZIP.
            expect(page.get_by_role("button", name="Download ZIP")).to_be_visible(timeout=90_000)
            expect(bar).to_have_attribute("aria-valuenow", "100")
            page.screenshot(path=str(LOGS / "export-journey-ready.png"), full_page=True)
            with page.expect_download() as info:
                page.get_by_role("button", name="Download ZIP").click()
            download = info.value
            assert download.suggested_filename.endswith(".zip")
            with open(download.path(), "rb") as f:
                archive = zipfile.ZipFile(io.BytesIO(f.read()))
        except Exception:
            page.screenshot(path=str(LOGS / "export-journey-failure.png"), full_page=True)
            raise
        finally:
            browser.close()

    names = set(archive.namelist())
    assert {f"{p.area}.json" for p in providers()} | {"index.html"} <= names
    submissions = json.loads(archive.read("submissions.json"))
    assert submissions["person"]["email"] == seeded.user.email
    assert archive.read(submissions["files"][0]) == seeded.submission_bytes
    assert json.loads(archive.read("grades.json"))["records"][0]["feedback"] == f"{seeded.mark} feedback"
    index = archive.read("index.html").decode()
    assert all(p.title in index for p in providers())

    # The download was audited (the ORM in a thread of its own, outside Playwright's loop).
    def audited():
        from django.db import connection
        from django_tenants.utils import tenant_context

        from tenant_apps.audit.models import AuditEntry

        with django_db_blocker.unblock():
            try:
                with tenant_context(c["tenant"]):
                    return AuditEntry.objects.filter(action="privacy.export_download", actor_id=seeded.user.pk).count()
            finally:
                connection.close()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(audited).result(timeout=30) == 1
