"""The backers' CSV job on a real Celery worker (committed data, no test transaction)."""
from __future__ import annotations

import csv
import io
import secrets
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from crowdfunding.models import BackersExport, Campaign, Pledge

BIG = 1_200


@pytest.mark.worker
def test_a_large_export_runs_on_a_real_worker_in_its_institutions_schema(celery_worker, django_db_blocker):
    """Committed data, the real worker: the job goes pending -> running -> done, the file is in
    Acme's storage prefix with every backer, and the page serves it to Acme's admin only."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django_tenants.utils import schema_context

    from conftest import Site
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    seen = []
    with django_db_blocker.unblock():
        acme = Tenant.objects.get(slug="acme")
        site = Site(acme, f"acme.{settings.PLATFORM_DOMAIN}")
        try:
            with schema_context(acme.schema_name):
                admin = User.objects.get(username="admin@acme.test")
                users = User.objects.bulk_create([User(username=f"w{i}-{tag}@worker.test", email=f"w{i}-{tag}@worker.test")
                                                  for i in range(BIG)])
                campaign = Campaign.objects.create(slug=f"big-{tag}", title="Big", pitch="Big", goal_amount=1,
                                                   currency="USD", state=Campaign.State.LIVE,
                                                   deadline=timezone.now() + timedelta(days=3))
                Pledge.objects.bulk_create([Pledge(campaign=campaign, backer=u, amount=100, currency="USD",
                                                   status=Pledge.Status.ACTIVE) for u in users])
            response = site.client(admin).post(f"/manage/campaigns/{campaign.slug}/backers-exports/")  # sent on commit
            assert response.status_code == 302
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                with schema_context(acme.schema_name):
                    export = BackersExport.objects.get(campaign=campaign)
                seen.append((export.status, export.processed_rows))
                if export.is_finished:
                    break
                time.sleep(0.05)
            download = site.client(admin).get(f"/manage/campaigns/{campaign.slug}/backers-exports/{export.public_id}/download")
            body = b"".join(download.streaming_content) if download.status_code == 200 else b""
            stored = Path(settings.MEDIA_ROOT) / "tenants" / acme.schema_name / export.file.name
            on_disk = stored.is_file()
        finally:
            with schema_context(acme.schema_name):
                for row in BackersExport.objects.filter(campaign__slug=f"big-{tag}"):
                    row.file.delete(save=False)
                    row.delete()
                Pledge.objects.filter(campaign__slug=f"big-{tag}").delete()
                Campaign.objects.filter(slug=f"big-{tag}").delete()
                User.objects.filter(username__endswith=f"-{tag}@worker.test").delete()
            connection.set_schema_to_public()
    assert export.status == "done", (export.status, export.error, seen[-5:])
    assert (export.total_rows, export.processed_rows) == (BIG, BIG) and on_disk
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert len(rows) == BIG + 1 and {r[1] for r in rows[1:]} == {u.email for u in users}
