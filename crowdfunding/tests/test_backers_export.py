"""Backers' CSV as a background job: staff start it, the task writes it into the institution's
storage with its progress, the page polls it (HTMX) and offers the file when it is ready; only
the institution's campaign staff get it. test_backers_export_worker.py runs it on a real worker."""
from __future__ import annotations

import csv
import io
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from crowdfunding import exports, services, tasks
from crowdfunding.models import BackersExport, Campaign, Pledge, RewardTier

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _campaign(site, *, slug: str, backers: int = 3) -> tuple[Campaign, list]:
    people = [site.make_user("learner", first_name=f"Backer{i}", last_name="Kind") for i in range(backers)]
    with site:
        campaign = Campaign.objects.create(slug=slug, title=f"Drive {slug}", pitch="A pitch", goal_amount=10_000,
                                           currency="USD", state=Campaign.State.LIVE, published_at=timezone.now(),
                                           deadline=timezone.now() + timedelta(days=5))
        tier = RewardTier.objects.create(campaign=campaign, title="Tote bag", minimum_amount=500)
        for i, person in enumerate(people):
            Pledge.objects.create(campaign=campaign, backer=person, amount=1000 + i, currency="USD",
                                  status=Pledge.Status.ACTIVE, anonymous=(i == 0), tier=tier if i == 1 else None)
    return campaign, people


def _run(site, export_pk: int):
    """The task itself, in-process (Celery's eager apply: the schema travels in its headers)."""
    with site:
        result = tasks.backers_export_run.apply(args=[export_pk])
        assert result.successful(), result.result
        return BackersExport.objects.get(pk=export_pk)


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def test_staff_start_an_export_watch_its_progress_and_download_it(site_a, admin_a, media):
    campaign, people = _campaign(site_a, slug="roof")
    with site_a:
        Pledge.objects.filter(backer=people[2]).update(status=Pledge.Status.CANCELLED)
        people[2].first_name = "=HYPERLINK(1)"
        people[2].save()
    admin = site_a.client(admin_a)
    assert "Export backers" in admin.get(f"/manage/campaigns/{campaign.slug}/").content.decode()

    started = admin.post(f"/manage/campaigns/{campaign.slug}/backers-exports/")
    with site_a:
        export = BackersExport.objects.get(campaign=campaign)
    status_url = f"/manage/campaigns/{campaign.slug}/backers-exports/{export.public_id}/"
    assert started.status_code == 302 and started["Location"] == status_url
    assert (export.status, export.total_rows, export.requested_by_id) == ("pending", 3, admin_a.pk)

    page = admin.get(status_url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "0 of 3 backers written (0%)" in page and "<html" in page
    assert admin.get(f"{status_url}download").status_code == 409  # not written yet

    export = _run(site_a, export.pk)
    assert (export.status, export.processed_rows, export.percent) == ("done", 3, 100)
    stored = Path(media) / "tenants" / site_a.tenant.schema_name / export.file.name
    assert stored.is_file() and export.file.name.startswith("exports/")

    fragment = admin.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "hx-get" not in fragment  # finished: polling stops
    assert "3 of 3 backers written (100%)" in fragment and f"{status_url}download" in fragment

    download = admin.get(f"{status_url}download")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert 'filename="backers-roof.csv"' in download["Content-Disposition"] and "no-store" in download["Cache-Control"]
    body = b"".join(download.streaming_content)
    rows = _rows(body)
    assert rows[0] == ["name", "email", "reward", "amount", "currency", "state"]
    assert ["Anonymous", people[0].email, "", "10.00", "USD", "active"] in rows
    assert ["Backer1 Kind", people[1].email, "Tote bag", "10.01", "USD", "active"] in rows
    assert ["'=HYPERLINK(1) Kind", people[2].email, "", "10.02", "USD", "cancelled"] in rows  # spreadsheet-safe
    # the same content as the direct download
    direct = admin.get(f"/manage/campaigns/{campaign.slug}/backers.csv")
    assert b"".join(direct.streaming_content) == body
    # the campaign page shows the latest export with its file
    assert f"{status_url}download" in admin.get(f"/manage/campaigns/{campaign.slug}/").content.decode()


def test_a_second_start_returns_the_running_export_and_a_stale_one_is_replaced(site_a, admin_a, media):
    campaign, _ = _campaign(site_a, slug="pool")
    with site_a:
        first = exports.backers_export_start(campaign=campaign, actor=admin_a)
        assert exports.backers_export_start(campaign=campaign, actor=admin_a).pk == first.pk
        BackersExport.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
        second = exports.backers_export_start(campaign=campaign, actor=admin_a)
        first.refresh_from_db()
    assert second.pk != first.pk and first.status == "failed" and first.error == exports.EXPORT_LOST
    # a finished job is left alone by a re-delivered task
    done = _run(site_a, second.pk)
    assert done.status == "done"
    with site_a:
        assert exports.backers_export_write(export_id=second.pk).file.name == done.file.name
        assert exports.backers_export_fail(export_id=second.pk, error="x").status == "done"


def test_rerun_after_a_crash_replaces_the_half_stored_file(site_a, admin_a, media):
    """A run killed after storing the file but before committing: the re-run stores it under the same name."""
    campaign, _ = _campaign(site_a, slug="gym")
    with site_a:
        export = exports.backers_export_start(campaign=campaign, actor=admin_a)
    done = _run(site_a, export.pk)
    with site_a:
        BackersExport.objects.filter(pk=export.pk).update(status="running", file="")
    again = _run(site_a, export.pk)
    folder = Path(media) / "tenants" / site_a.tenant.schema_name / "exports"
    assert again.file.name == done.file.name and len(list(folder.iterdir())) == 1


def test_the_task_marks_the_export_failed_after_its_last_retry(site_a, admin_a, media):
    campaign, _ = _campaign(site_a, slug="lab")
    with site_a:
        export = exports.backers_export_start(campaign=campaign, actor=admin_a)
        Campaign.objects.filter(pk=campaign.pk).update(slug="lab/../../x")  # the storage refuses this name
        tasks.backers_export_run.push_request(retries=tasks.backers_export_run.max_retries)
        try:
            with pytest.raises(Exception):
                tasks.backers_export_run.run(export.pk)
        finally:
            tasks.backers_export_run.pop_request()
        export.refresh_from_db()
    assert export.status == "failed" and export.error == tasks.EXPORT_GAVE_UP


def test_only_the_campaigns_staff_reach_the_export(site_a, site_b, admin_a, admin_b, media):
    campaign, people = _campaign(site_a, slug="hall")
    with site_a:
        export = exports.backers_export_start(campaign=campaign, actor=admin_a)
        instructor = site_a.make_user("instructor")
    _run(site_a, export.pk)
    base = f"/manage/campaigns/{campaign.slug}/backers-exports/"
    urls = [f"{base}{export.public_id}/", f"{base}{export.public_id}/download"]
    for who in (people[0], instructor):  # a backer, an instructor the institution does not let run campaigns
        client = site_a.client(who)
        assert client.post(base).status_code == 403
        assert [client.get(u).status_code for u in urls] == [403, 403]
    anonymous = site_a.client()
    assert all(anonymous.get(u).status_code == 302 and "/accounts/login" in anonymous.get(u)["Location"] for u in urls)
    # another institution's admin: the same addresses are unknown there
    other = site_b.client(admin_b)
    assert [other.get(u).status_code for u in urls] == [404, 404] and other.post(base).status_code == 404
    b_campaign, _ = _campaign(site_b, slug="hall-b")
    b_urls = [f"/manage/campaigns/{b_campaign.slug}/backers-exports/{export.public_id}/",
              f"/manage/campaigns/{b_campaign.slug}/backers-exports/{export.public_id}/download"]
    assert [other.get(u).status_code for u in b_urls] == [404, 404]  # A's job under B's own campaign
    assert site_a.client(admin_a).get(urls[1]).status_code == 200
    with site_b:
        assert not BackersExport.objects.exists()


def test_api_starts_an_export_reports_its_progress_and_serves_the_file(site_a, admin_a, media):
    campaign, people = _campaign(site_a, slug="api-drive")
    admin = site_a.client(admin_a)
    base = f"/api/v1/campaigns/{campaign.slug}/backers-exports"
    started = admin.post(base)
    assert started.status_code == 202, started.content
    job = started.json()
    assert (job["status"], job["total_rows"], job["processed_rows"], job["file_url"]) == ("pending", 3, 0, None)
    assert admin.post(base).json()["id"] == job["id"]  # still running: the same job
    assert admin.get(f"{base}/{job['id']}/file").status_code == 409
    with site_a:
        pk = BackersExport.objects.get(public_id=job["id"]).pk
    _run(site_a, pk)
    status = admin.get(f"{base}/{job['id']}").json()
    assert (status["status"], status["percent"], status["file_url"]) == ("done", 100, f"{base}/{job['id']}/file")
    assert [j["id"] for j in admin.get(base).json()] == [job["id"]]
    rows = _rows(b"".join(admin.get(status["file_url"]).streaming_content))
    assert len(rows) == 4 and rows[1][0] == "Anonymous"
    learner = site_a.client(people[0])
    assert learner.post(base).status_code == 404
    assert [learner.get(u).status_code for u in (base, f"{base}/{job['id']}", status["file_url"])] == [404, 404, 404]
    assert admin.get(f"{base}/{secrets.token_hex(16)[:8]}-0000-0000-0000-000000000000").status_code == 404
