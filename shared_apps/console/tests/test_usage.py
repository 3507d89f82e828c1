"""The usage beat job's figures on the console's institution page, against the plan's limits."""
from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import schema_context

from billing.models import Plan
from billing.services import tenant_plan_change
from lms.courses.tests.factories import build_course
from tenant_apps.accounts.tests.manage_helpers import media_in_tmp  # noqa: F401 - fixture
from tenants.selectors import USAGE_CACHE_KEY, tenant_usage_cached
from tenants.tasks import tenant_usage_refresh_all, tenant_usage_snapshot


class _Schemas(dict):
    """The test institutions' schema names (t_<slug>_<random>), looked up when first used."""

    def __missing__(self, slug):
        from tenants.models import Tenant

        self[slug] = Tenant.objects.get(slug=slug).schema_name
        return self[slug]


SCHEMA = _Schemas()


@pytest.fixture
def no_usage_cached(db):
    def clear():
        for schema in (SCHEMA["acme"], SCHEMA["globex"]):
            with schema_context(schema):
                cache.delete(USAGE_CACHE_KEY)
    clear()
    yield
    clear()


def _snapshot(schema: str) -> dict:
    with schema_context(schema):
        return tenant_usage_snapshot.apply().get()


@pytest.mark.django_db
@pytest.mark.usefixtures("media_in_tmp", "no_usage_cached")
def test_tenant_page_shows_the_jobs_usage_against_the_plan(console, site_a):
    url = f"/console/tenants/{site_a.tenant.uuid}/"
    assert "Not counted yet" in console.get(url).content.decode()

    instructor = site_a.make_user("instructor")
    site_a.make_user("learner")
    site_a.make_user("learner")
    # A downgrade below what the institution has: the page shows it over the limit (nothing is hidden).
    plan = Plan.objects.create(code="tiny", name="Tiny", max_learners=1, max_courses=5, storage_mb=1)
    tenant_plan_change(tenant=site_a.tenant, plan=plan)
    with site_a:
        build_course(author=instructor, title="Usage one")
        build_course(author=instructor, title="Usage two")
        default_storage.save("usage-probe/a.bin", ContentFile(b"x" * 300_000))
        from django.contrib.auth.models import User
        from lms.courses.models import Course

        members = User.objects.filter(is_active=True).count()
        learners = User.objects.filter(is_active=True, groups__name="learner").count()
        courses = Course.objects.count()

    usage = _snapshot(SCHEMA["acme"])
    assert (usage["members"], usage["learners"], usage["courses"]) == (members, learners, courses)
    assert usage["storage_bytes"] == 300_000

    response = console.get(url)
    rows = {row.label: row for row in response.context["usage"].rows}
    assert (rows["Active members"].used, rows["Active members"].limit) == (members, None)
    assert (rows["Learners"].used, rows["Learners"].limit, rows["Learners"].over) == (learners, 1, learners > 1)
    assert (rows["Courses"].used, rows["Courses"].limit) == (courses, 5)
    assert (rows["Storage"].used, rows["Storage"].limit, rows["Storage"].percent) == (300_000, 1024 * 1024, 29)
    page = response.content.decode()
    assert "over the limit" in page and "Tiny" in page and "293.0\u00a0KB" in page and "1.0\u00a0MB" in page


@pytest.mark.django_db
@pytest.mark.usefixtures("media_in_tmp", "no_usage_cached")
def test_one_institutions_usage_never_shows_on_anothers_page(console, site_a, site_b):
    _snapshot(SCHEMA["globex"])
    assert tenant_usage_cached(schema_name=SCHEMA["globex"])["schema"] == SCHEMA["globex"]
    assert tenant_usage_cached(schema_name=SCHEMA["acme"]) is None
    page = console.get(f"/console/tenants/{site_a.tenant.uuid}/")
    assert page.context["usage"] is None and "Not counted yet" in page.content.decode()
    assert console.get(f"/console/tenants/{site_b.tenant.uuid}/").context["usage"] is not None


@pytest.mark.django_db
@pytest.mark.usefixtures("no_usage_cached")
def test_support_operators_see_usage_too(support_console, site_a):
    _snapshot(SCHEMA["acme"])
    assert support_console.get(f"/console/tenants/{site_a.tenant.uuid}/").context["usage"] is not None


@pytest.mark.worker
def test_the_beat_job_fills_every_institutions_usage(celery_worker, django_db_blocker):
    with django_db_blocker.unblock():
        for schema in (SCHEMA["acme"], SCHEMA["globex"]):
            with schema_context(schema):
                cache.delete(USAGE_CACHE_KEY)
        assert tenant_usage_refresh_all() >= 2
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = {s: tenant_usage_cached(schema_name=s) for s in (SCHEMA["acme"], SCHEMA["globex"])}
            if all(found.values()):
                break
            time.sleep(0.2)
    assert found[SCHEMA["acme"]]["schema"] == SCHEMA["acme"] and found[SCHEMA["globex"]]["schema"] == SCHEMA["globex"]
    assert "courses" in found[SCHEMA["acme"]] and "storage_bytes" in found[SCHEMA["acme"]]
