"""The export job on a real Celery worker process (this test's own): a request enqueued on commit
is built in the institution's schema, the ZIP written to its storage, seeded values in it."""
from __future__ import annotations

import io
import json
import secrets
import time
import zipfile

from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import tenant_context


def test_a_real_worker_builds_the_export_in_the_right_schema(committed_db, worker_process):
    from django.contrib.auth.models import User

    from tenant_apps.accounts.services import user_create
    from tenant_apps.privacy import export as exports
    from tenant_apps.privacy.models import ExportRequest
    from tenant_apps.privacy.registry import providers
    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug="acme")
    tag = secrets.token_hex(4)
    with tenant_context(tenant):
        person = user_create(email=f"worker-export-{tag}@acme.test", password="x-Long-Passw0rd-9", role="learner",
                             first_name="Wes", last_name=f"Worker{tag}")
    connection.set_schema_to_public()
    worker_process("celery", name="export")
    name = ""
    try:
        with tenant_context(tenant):
            export = exports.export_request(user=person, requested_by=person)  # enqueued on commit (autocommit)
        connection.set_schema_to_public()
        deadline = time.monotonic() + 90
        while True:
            with tenant_context(tenant):
                export.refresh_from_db()
            connection.set_schema_to_public()
            if export.status not in ExportRequest.OPEN:
                break
            assert time.monotonic() < deadline, f"the worker did not build the export ({export.status})"
            time.sleep(0.2)
        assert export.status == "ready", export.error
        name = export.file_name
        with tenant_context(tenant), default_storage.open(name, "rb") as f:
            archive = zipfile.ZipFile(io.BytesIO(f.read()))
        assert {f"{p.area}.json" for p in providers()} | {"index.html"} <= set(archive.namelist())
        profile = json.loads(archive.read("profile.json"))
        assert profile["records"][0]["last_name"] == f"Worker{tag}" and profile["institution"] == tenant.name
    finally:
        with tenant_context(tenant):
            if name:
                default_storage.delete(name)
            ExportRequest.objects.filter(user=person).delete()
            User.objects.filter(pk=person.pk).delete()
        connection.set_schema_to_public()
