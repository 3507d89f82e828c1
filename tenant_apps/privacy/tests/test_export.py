"""The data export: the ZIP built by the task against seeded data, the download rules, the
one-at-a-time rule, the admin's export for a member, the API and the expiry sweep."""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from tenant_apps.privacy import export as exports
from tenant_apps.privacy.models import ExportRequest
from tenant_apps.privacy.registry import providers
from tenant_apps.privacy.tests.seed import classroom_create, learner_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(site_a, media):
    """Two learners of acme with data in every area, each value carrying the learner's own mark."""
    instructor = site_a.make_user("instructor")
    me, other = site_a.make_user("learner"), site_a.make_user("learner")
    with site_a:
        room = classroom_create(instructor=instructor)
        mine = learner_seed(room=room, user=me, mark="MINEmark7q", amount=2500)
        theirs = learner_seed(room=room, user=other, mark="OTHERmark7q", amount=4200)
    return {"room": room, "me": mine, "other": theirs, "instructor": instructor}


def _run(export_id: int):
    """The Celery task, in-process (Task.apply), its on-commit effects (the email) run as after a commit."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return exports.export_build_task.apply(args=[export_id])


def _public_id(site, user) -> str:
    with site:
        return str(type(user).objects.get(pk=user.pk).profile.public_id)


def _built(site, user, *, by=None) -> ExportRequest:
    """Request an export and run the Celery task (in-process, through the task)."""
    with site:
        export = exports.export_request(user=user, requested_by=by or user)
        result = _run(export.pk)
        assert result.get() == ExportRequest.Status.READY, result.result
        export.refresh_from_db()
    return export


def _zip(site, export) -> dict[str, bytes]:
    with site, default_storage.open(export.file_name, "rb") as f:
        archive = zipfile.ZipFile(io.BytesIO(f.read()))
    return {name: archive.read(name) for name in archive.namelist()}


def _token_from_mail(export) -> str:
    message = next(m for m in reversed(mail.outbox) if str(export.public_id) in m.body)
    return re.search(r"download\?token=([\w-]+)", message.body).group(1)


def test_zip_holds_every_area_with_the_seeded_values_and_nothing_of_another_learner(site_a, world):
    me, other = world["me"], world["other"]
    export = _built(site_a, me.user)
    assert (export.status, export.areas_done, export.areas_total) == ("ready", len(providers()), len(providers()))
    assert export.expires_at == export.finished_at + timedelta(hours=24)
    members = _zip(site_a, export)
    with site_a:
        assert export.size == default_storage.size(export.file_name) > 0

    areas = {p.area for p in providers()}
    assert {f"{a}.json" for a in areas} | {"index.html"} <= set(members)
    data = {a: json.loads(members[f"{a}.json"]) for a in areas}
    for body in data.values():  # the header
        assert body["institution"] == "Acme Academy" and body["person"]["email"] == me.user.email
        assert body["generated_at"]

    profile = data["profile"]["records"][0]
    assert (profile["email"], profile["last_name"]) == (me.user.email, me.mark)
    [enrollment] = data["enrollments"]["records"]
    assert enrollment["uuid"] == str(me.enrollment.uuid) and enrollment["course__slug"] == world["room"].course.slug
    progress = {r["item_uuid"]: r for r in data["progress"]["records"]}
    assert progress[str(world["room"].text.uuid)]["completed_at"]  # and the quiz and assignment, done by handing in
    [attempt] = [r for r in data["quiz_attempts"]["records"] if r["kind"] == "attempt"]
    assert attempt["uuid"] == str(me.attempt.uuid) and f"{me.mark} essay answer" in json.dumps(attempt["answers"])
    [submission] = data["submissions"]["records"]
    assert submission["text"] == f"{me.mark} submission text"
    [submitted_file] = data["submissions"]["files"]
    assert submitted_file.startswith("submissions/files/") and members[submitted_file] == me.submission_bytes
    [grade] = [r for r in data["grades"]["records"] if r["kind"] == "grade"]
    assert (grade["feedback"], grade["final_points"]) == (f"{me.mark} feedback", "8.00")
    [order] = [r for r in data["payments"]["records"] if r["kind"] == "order"]
    assert (order["number"], order["buyer_name"], order["total_amount"], order["currency"]) == (
        me.order.number, f"{me.mark} buyer", 2500, "USD")
    [pledge] = [r for r in data["pledges"]["records"] if r["kind"] == "pledge"]
    assert (pledge["public_id"], pledge["amount"], pledge["status"]) == (str(me.pledge.public_id), 2600, "collected")
    steps = [r for r in data["tracks"]["records"] if r["kind"] == "project_step_submission"]
    assert [s["uuid"] for s in steps] == [str(me.step_submission.uuid)]
    [step_file] = data["tracks"]["files"]
    assert members[step_file] == me.step_bytes
    audited = {r["action"]: r for r in data["audit"]["records"]}
    assert audited["account.test"]["after"] == {"note": f"{me.mark} audited"}
    assert "privacy.export_request" in audited
    assert [r["public_id"] for r in data["data_exports"]["records"]] == [str(export.public_id)]

    # Nothing of the other learner, anywhere in the archive (JSON, HTML, files).
    for name, content in members.items():
        for secret in (other.mark, other.user.email, str(other.submission.uuid), other.order.number,
                       str(other.pledge.public_id), str(other.attempt.uuid)):
            assert secret.encode() not in content, f"{secret} of the other learner in {name}"

    index = members["index.html"].decode()
    for provider in providers():
        assert provider.title in index and f'href="{provider.area}.json"' in index
    assert f'href="{submitted_file}"' in index and f"{me.mark} submission text" in index
    assert "<script" not in index and "http" not in index.split("<body>", 1)[1]  # offline, self-contained


def test_the_zip_lives_in_the_institutions_own_storage_and_the_email_carries_a_token_stored_as_a_hash(
        site_a, site_b, world):
    export = _built(site_a, world["me"].user)
    assert export.file_name.startswith("privacy/exports/")
    with site_a:
        assert default_storage.path(export.file_name).startswith(str(default_storage.location))
        assert f"/tenants/{site_a.tenant.schema_name}/" in default_storage.path(export.file_name)
    with site_b:
        assert not default_storage.exists(export.file_name)  # another institution cannot address it
    token = _token_from_mail(export)
    message = mail.outbox[-1]
    assert message.to == [world["me"].user.email] and "ready" in message.subject
    assert f"://{site_a.host}" in message.body and f"/privacy/exports/{export.public_id}/download?token=" in message.body
    assert export.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in export.token_hash


def test_download_only_for_its_owner_signed_in_within_24_hours(site_a, site_b, world):
    me, other = world["me"].user, world["other"].user
    export = _built(site_a, me)
    token = _token_from_mail(export)
    link = f"/privacy/exports/{export.public_id}/download?token={token}"

    owner = site_a.client(me)
    response = owner.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("profile.json")
    assert owner.post(f"/privacy/exports/{export.public_id}/download").status_code == 200  # the page's button
    with site_a:
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="privacy.export_download", actor_id=me.pk).count() == 2

    # No token / a wrong one, another learner, an admin, a made-up id: the same 404.
    assert owner.get(f"/privacy/exports/{export.public_id}/download").status_code == 404
    assert owner.get(link[:-3] + "xyz").status_code == 404
    for client in (site_a.client(other), site_a.client(world["instructor"])):
        assert client.get(link).status_code == 404
        assert client.post(f"/privacy/exports/{export.public_id}/download").status_code == 404
    admin = site_a.client(site_a.make_user("tenant_admin"))
    assert admin.get(link).status_code == 404
    assert admin.post(f"/manage/privacy/exports/{export.public_id}/download").status_code == 404  # not one they ran
    assert owner.get("/privacy/exports/00000000-0000-4000-8000-000000000000/download?token=x").status_code == 404
    anonymous = site_a.client().get(link)
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
    # Another institution's host: its own (different) people and schema; nothing there.
    assert site_b.client(site_b.make_user("learner")).get(link).status_code == 404

    # After 24 hours: 410 with a clear page; the sweep deletes the file and marks it expired.
    with site_a:
        ExportRequest.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    gone = owner.get(link)
    assert gone.status_code == 410 and b"This export has expired" in gone.content
    assert site_a.client(other).get(link).status_code == 404  # still nothing for anybody else
    with site_a:
        assert exports.exports_expire() == {"expired": 1, "stale": 0}
        export.refresh_from_db()
        assert export.status == "expired" and export.file_name == "" and export.token_hash == ""
        assert not default_storage.exists(_zip_name_of(export, default_storage))
    assert owner.get(link).status_code == 404  # the token went with the file
    assert owner.post(f"/privacy/exports/{export.public_id}/download").status_code == 410
    assert b"Expired" in owner.get("/privacy/").content


def _zip_name_of(export, storage) -> str:
    folder = "privacy/exports"
    found = [n for n in (storage.listdir(folder)[1] if storage.exists(folder) else []) if str(export.public_id) in n]
    return f"{folder}/{found[0]}" if found else f"{folder}/{export.public_id}.zip"


def test_a_second_request_while_one_is_being_prepared_is_refused(site_a, media):
    me = site_a.make_user("learner")
    client = site_a.client(me)
    first = client.post("/privacy/exports/")
    assert first.status_code == 302
    second = client.post("/privacy/exports/")
    assert second.status_code == 409 and b"already being prepared" in second.content
    api = client.post("/api/v1/privacy/exports")
    assert api.status_code == 409 and api.json()["code"] == "export_running"
    page = client.get("/privacy/")
    assert page.status_code == 200 and b'hx-trigger="every 2s"' in page.content and b"Waiting to start" in page.content
    with site_a:
        assert ExportRequest.objects.filter(user=me).count() == 1
        export = ExportRequest.objects.get(user=me)
        _run(export.pk).get()
    assert client.post("/api/v1/privacy/exports").status_code == 201  # once ready, a new one may start


def test_progress_is_saved_per_area_while_the_zip_is_built(site_a, media, monkeypatch):
    me = site_a.make_user("learner")
    seen = []
    real = exports.providers

    def watching():
        areas = real()
        out = []
        for provider in areas:
            def export(user, _p=provider):
                seen.append(ExportRequest.objects.get(user=user).areas_done)
                return _p.export(user)
            out.append(type(provider)(**{**provider.__dict__, "export": export}))
        return out

    monkeypatch.setattr(exports, "providers", watching)
    _built(site_a, me)
    assert seen == list(range(len(real())))


def test_tenant_admin_runs_an_export_for_a_member_audited_member_emailed_admin_downloads(site_a, world):
    me = world["me"].user
    admin = site_a.make_user("tenant_admin")
    client = site_a.client(admin)
    page = f"/manage/privacy/users/{_public_id(site_a, me)}/exports"
    assert client.get(page).status_code == 200
    assert client.post(page).status_code == 302
    assert client.post(page).status_code == 409
    with site_a:
        export = ExportRequest.objects.get(user=me)
        assert export.requested_by == admin and export.by_admin
        _run(export.pk).get()
        from tenant_apps.audit.models import AuditEntry

        run = AuditEntry.objects.get(action="privacy.export_request", actor_id=admin.pk)
        assert (run.target_type, run.target_id) == ("auth.user", str(me.pk))
    message = mail.outbox[-1]
    assert message.to == [me.email] and admin.email in message.body  # the person learns who ran it
    assert b"Download ZIP" in client.get(page).content
    download = client.post(f"/manage/privacy/exports/{export.public_id}/download")
    assert download.status_code == 200
    assert b"MINEmark7q" in zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).read("profile.json")
    with site_a:
        entry = AuditEntry.objects.get(action="privacy.export_download", actor_id=admin.pk)
        assert entry.target_id == str(me.pk) and entry.after["by"] == "admin"
    # another admin, the learner on staff pages, a member of another tenant: refused
    other_admin = site_a.client(site_a.make_user("tenant_admin"))
    assert other_admin.post(f"/manage/privacy/exports/{export.public_id}/download").status_code == 404
    assert site_a.client(me).get(page).status_code == 403
    # the person downloads it too, with the emailed link
    token = _token_from_mail(export)
    assert site_a.client(me).get(f"/privacy/exports/{export.public_id}/download?token={token}").status_code == 200


def test_api_request_status_progress_and_download(site_a, world):
    me = world["me"].user
    client = site_a.client(me)
    created = client.post("/api/v1/privacy/exports")
    assert created.status_code == 201 and created.json()["status"] == "queued"
    export_id = created.json()["id"]
    assert created.json()["download_url"] is None
    with site_a:
        _run(ExportRequest.objects.get(public_id=export_id).pk).get()
    detail = client.get(f"/api/v1/privacy/exports/{export_id}").json()
    assert (detail["status"], detail["percent"], detail["areas_done"]) == ("ready", 100, detail["areas_total"])
    assert detail["download_url"] == f"/api/v1/privacy/exports/{export_id}/download"
    assert [e["id"] for e in client.get("/api/v1/privacy/exports").json()] == [export_id]
    download = client.get(detail["download_url"])
    assert download.status_code == 200 and zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    other = site_a.client(world["other"].user)
    assert other.get(f"/api/v1/privacy/exports/{export_id}").status_code == 404
    assert other.get(detail["download_url"]).status_code == 404
    assert other.get("/api/v1/privacy/exports").json() == []
    with site_a:
        ExportRequest.objects.filter(public_id=export_id).update(expires_at=timezone.now())
    assert client.get(detail["download_url"]).status_code == 410
    assert client.get(f"/api/v1/privacy/exports/{export_id}").json()["status"] == "expired"

    # Staff: run one for a member (tenant admins only), status without a download link.
    staff_url = f"/api/v1/manage/privacy/users/{_public_id(site_a, world['other'].user)}/exports"
    assert site_a.client(world["instructor"]).post(staff_url).status_code == 403
    admin = site_a.client(site_a.make_user("tenant_admin"))
    ran = admin.post(staff_url)
    assert ran.status_code == 201 and ran.json()["requested_by_admin"] is True
    assert admin.post(staff_url).status_code == 409
    assert admin.get(staff_url).json()[0]["id"] == ran.json()["id"]
    assert admin.get("/api/v1/manage/privacy/users/00000000-0000-4000-8000-000000000000/exports").status_code == 404


def test_sweep_fails_exports_left_open_too_long(site_a, media):
    me = site_a.make_user("learner")
    with site_a:
        export = exports.export_request(user=me, requested_by=me)
        ExportRequest.objects.filter(pk=export.pk).update(created_at=timezone.now() - timedelta(hours=7))
        assert exports.exports_expire() == {"expired": 0, "stale": 1}
        export.refresh_from_db()
        assert export.status == "failed" and "took too long" in export.error
        exports.export_request(user=me, requested_by=me)  # the person can ask again


def test_storage_refusing_the_zip_fails_the_export_with_a_message(site_a, media):
    """A storage check (e.g. the plan's storage limit) refuses the save: failed, with the reason shown."""
    from django.core.exceptions import ValidationError

    from tenants import storage

    def full(adding: int) -> None:
        raise ValidationError("storage full")

    me = site_a.make_user("learner")
    storage.tenant_storage_check_register(full)
    try:
        with site_a:
            export = exports.export_request(user=me, requested_by=me)
            assert _run(export.pk).get() == "failed"
            export.refresh_from_db()
    finally:
        storage._storage_checks.remove(full)
    assert export.status == "failed" and "ValidationError" in export.error and not export.file_name
    assert b"could not be prepared" in site_a.client(me).get("/privacy/").content
