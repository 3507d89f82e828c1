"""A task enqueued from tenant A runs in schema A, on a real worker."""
import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenants.tasks import tenant_usage_snapshot

pytestmark = pytest.mark.worker


def test_task_enqueued_from_each_tenant_runs_in_that_tenants_schema(celery_worker, django_db_blocker):
    from conftest import Site  # noqa: F401 - only to make the dependency explicit
    from tenant_apps.accounts.services import user_create

    from tenants.models import Tenant

    with django_db_blocker.unblock():
        acme, globex = (Tenant.objects.get(slug=slug).schema_name for slug in ("acme", "globex"))
        with schema_context(globex):
            extra = user_create(email="worker-probe@globex.test", role="learner")
        try:
            with schema_context(acme):
                result_a = tenant_usage_snapshot.delay()
            with schema_context(globex):
                result_b = tenant_usage_snapshot.delay()
            usage_a = result_a.get(timeout=30)
            usage_b = result_b.get(timeout=30)
        finally:
            with schema_context(globex):
                extra.delete()
            connection.set_schema_to_public()
    assert usage_a["schema"] == acme
    assert usage_b["schema"] == globex
    assert usage_b["learners"] == usage_a["learners"] + 1


def test_beat_entries_name_registered_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscover every tasks.py
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
