"""CSV import of members: upload checks, row validation, progress, the rejected-rows report,
idempotent re-runs, the Celery task (also on a real worker) and the invitation purge."""
from __future__ import annotations

import csv
import io
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from config.celery import app as celery_app
from tenant_apps.accounts import services, tasks
from tenant_apps.accounts.models import Invitation, UserImport
from tenant_apps.accounts.roles import Role, role_of
from tenants.models import Tenant

from .manage_helpers import api_client, client_as, csv_file, jwt_for, media_in_tmp, png_bytes, text  # noqa: F401

HEADER = "email,first_name,last_name,role\n"
MIXED = (
    HEADER
    + "ada@example.org,Ada,Lovelace,instructor\n"  # row 2: created
    + "not-an-email,Bad,Email,learner\n"  # row 3: invalid email
    + "bob@example.org,Bob,Wizard,wizard\n"  # row 4: unknown role
    + "ADA@example.org,Ada,Again,learner\n"  # row 5: duplicate of row 2
    + "admin@acme.test,Ad,Min,learner\n"  # row 6: already a member
    + "\n"  # row 7: blank, skipped
    + "cy@example.org,Cy,Helper,Teaching assistant\n"  # row 8: created (the role's label is accepted)
)


def _create(site, admin, body, name="members.csv"):
    """An import stored through the service; its task is not sent (the on-commit hook is not run)."""
    with site:
        return services.user_import_create(upload=csv_file(body, name), created_by=admin)


def _process(site, user_import, capture):
    with site, capture(execute=True):  # welcome emails go out on commit
        result = services.user_import_process(user_import_id=user_import.pk)
    return result


@pytest.fixture
def site_links(settings):
    settings.SITE_SCHEME = "https"
    settings.SITE_PORT = "443"


# --- processing rows -----------------------------------------------------------------------


@pytest.mark.usefixtures("media_in_tmp", "site_links")
def test_good_rows_are_created_and_bad_rows_reported(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    user_import = _create(site_a, admin_a, MIXED)
    assert user_import.status == UserImport.Status.PENDING and user_import.total_rows == 6
    result = _process(site_a, user_import, django_capture_on_commit_callbacks)

    assert result.status == UserImport.Status.DONE and result.finished_at is not None
    assert (result.total_rows, result.processed_rows, result.created_count, result.percent) == (6, 6, 2, 100)
    assert result.rejected_rows == [
        {"row": 3, "email": "not-an-email", "reason": "Invalid email address."},
        {"row": 4, "email": "bob@example.org", "reason": "Unknown role “wizard” (use one of: learner, instructor, teaching_assistant, tenant_admin)."},
        {"row": 5, "email": "ADA@example.org", "reason": "Duplicate of row 2 in this file."},
        {"row": 6, "email": "admin@acme.test", "reason": "Already a member."},
    ]
    with site_a:
        ada = User.objects.get(username="ada@example.org")
        cy = User.objects.get(username="cy@example.org")
        assert (ada.first_name, ada.last_name, role_of(ada)) == ("Ada", "Lovelace", Role.INSTRUCTOR)
        assert role_of(cy) == Role.TEACHING_ASSISTANT
        assert not ada.has_usable_password() and ada.profile.email_verified_at is None
        assert not User.objects.filter(username="bob@example.org").exists()
        assert role_of(User.objects.get(username="admin@acme.test")) == Role.TENANT_ADMIN
    # Each new member is welcomed with a link to choose a password, built without a request.
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.org", "cy@example.org"]
    assert all("https://acme.localhost/accounts/reset/" in m.body for m in mailoutbox)
    assert all("account was created for you" in m.body for m in mailoutbox)


@pytest.mark.usefixtures("media_in_tmp")
def test_welcome_links_carry_the_configured_port(site_a, admin_a, settings, mailoutbox, django_capture_on_commit_callbacks):
    settings.SITE_SCHEME, settings.SITE_PORT = "http", "8000"
    _process(site_a, _create(site_a, admin_a, HEADER + "p@example.org,P,Q,learner\n"), django_capture_on_commit_callbacks)
    assert "http://acme.localhost:8000/accounts/reset/" in mailoutbox[0].body


@pytest.mark.usefixtures("media_in_tmp")
def test_bom_and_semicolons_and_column_order_are_accepted(site_a, admin_a, django_capture_on_commit_callbacks):
    body = "\ufeffRole;Email;Last name;First name\r\nlearner;semi@example.org;Colon;Semi\r\n"
    result = _process(site_a, _create(site_a, admin_a, body), django_capture_on_commit_callbacks)
    assert (result.created_count, result.rejected_rows) == (1, [])
    with site_a:
        assert User.objects.get(username="semi@example.org").get_full_name() == "Semi Colon"


@pytest.mark.usefixtures("media_in_tmp")
def test_processing_a_finished_import_does_nothing(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    user_import = _create(site_a, admin_a, MIXED)
    _process(site_a, user_import, django_capture_on_commit_callbacks)
    with site_a:
        users = User.objects.count()
    sent = len(mailoutbox)
    again = _process(site_a, user_import, django_capture_on_commit_callbacks)
    assert (again.created_count, len(again.rejected_rows)) == (2, 4)
    with site_a:
        assert User.objects.count() == users
    assert len(mailoutbox) == sent
    # The task itself says so too.
    with site_a:
        assert tasks.user_import_run(user_import.pk) == "done"


@pytest.mark.usefixtures("media_in_tmp")
def test_a_rerun_after_a_crash_resumes_without_duplicates(site_a, admin_a, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    emails = [f"m{i:02d}@bulk.org" for i in range(25)]
    user_import = _create(site_a, admin_a, HEADER + "".join(f"{e},M,{i},learner\n" for i, e in enumerate(emails)))
    real_send, calls = services.password_reset_send, []

    def flaky_send(**kwargs):
        calls.append(kwargs["user"].email)
        if len(calls) == 15:  # in the middle of the second batch of 10
            raise ConnectionError("mail server went away")
        real_send(**kwargs)

    monkeypatch.setattr(services, "password_reset_send", flaky_send)
    with pytest.raises(ConnectionError):
        _process(site_a, user_import, django_capture_on_commit_callbacks)
    with site_a:
        half = UserImport.objects.get(pk=user_import.pk)
        assert (half.status, half.processed_rows, half.created_count) == (UserImport.Status.RUNNING, 10, 10)
        assert User.objects.filter(username__endswith="@bulk.org").count() == 10  # the failed batch rolled back
    assert len(mailoutbox) == 10  # only the committed batch was welcomed

    monkeypatch.setattr(services, "password_reset_send", real_send)
    result = _process(site_a, user_import, django_capture_on_commit_callbacks)
    assert (result.status, result.processed_rows, result.created_count, result.rejected_rows) == ("done", 25, 25, [])
    with site_a:
        assert sorted(User.objects.filter(username__endswith="@bulk.org").values_list("username", flat=True)) == emails
    assert sorted(m.to[0] for m in mailoutbox) == emails  # each welcomed exactly once


@pytest.mark.usefixtures("media_in_tmp")
def test_duplicates_are_still_caught_across_a_resume(site_a, admin_a, django_capture_on_commit_callbacks):
    rows = [f"d{i:02d}@dup.org,D,{i},learner\n" for i in range(12)] + ["d03@dup.org,Again,X,learner\n"]
    user_import = _create(site_a, admin_a, HEADER + "".join(rows))
    with site_a:  # as if an earlier run had committed the first batch and then died
        services.user_import_process(user_import_id=user_import.pk)
        UserImport.objects.filter(pk=user_import.pk).update(status="running", processed_rows=10, finished_at=None)
        User.objects.filter(username__in=["d10@dup.org", "d11@dup.org"]).delete()
        UserImport.objects.filter(pk=user_import.pk).update(created_count=10, rejected_rows=[])
    result = _process(site_a, user_import, django_capture_on_commit_callbacks)
    assert result.created_count == 12
    assert result.rejected_rows == [{"row": 14, "email": "d03@dup.org", "reason": "Duplicate of row 5 in this file."}]


@pytest.mark.usefixtures("media_in_tmp")
def test_unreadable_stored_file_fails_the_import_with_a_reason(site_a, admin_a):
    with site_a:
        user_import = UserImport.objects.create(created_by=admin_a, original_name="gone.csv", source="imports/gone.csv")
        result = services.user_import_process(user_import_id=user_import.pk)
    assert result.status == UserImport.Status.FAILED and "could not be read" in result.error
    assert "/" not in result.error  # no server paths shown to people


@pytest.mark.usefixtures("media_in_tmp")
def test_task_marks_the_import_failed_after_its_last_retry(site_a, admin_a, monkeypatch):
    user_import = _create(site_a, admin_a, MIXED)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "user_import_process", broken)
    tasks.user_import_run.push_request(retries=tasks.user_import_run.max_retries)
    try:
        with site_a, pytest.raises(RuntimeError):
            tasks.user_import_run.run(user_import.pk)
    finally:
        tasks.user_import_run.pop_request()
    with site_a:
        failed = UserImport.objects.get(pk=user_import.pk)
    assert failed.status == UserImport.Status.FAILED and failed.error == tasks.IMPORT_GAVE_UP


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("media_in_tmp")
def test_upload_queues_the_task_in_this_schema_and_shows_progress(site_a, admin_a, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.user_import_run, "delay", lambda *args: sent.append((args, connection.schema_name)))
    client = client_as(site_a, admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/manage/users/import/", {"file": csv_file(MIXED, "spring intake.csv")})
    assert response.status_code == 302
    with site_a:
        user_import = UserImport.objects.get()
    assert response["Location"] == f"/manage/users/import/{user_import.public_id}/"
    assert sent == [((user_import.pk,), site_a.tenant.schema_name)]
    assert user_import.original_name == "spring intake.csv"
    assert user_import.source.name == f"imports/{user_import.public_id}.csv"

    progress_url = f"/manage/users/import/{user_import.public_id}/progress"
    page = text(client.get(response["Location"]))
    assert "Import of spring intake.csv started" in page
    assert f'hx-get="{progress_url}"' in page and 'hx-trigger="every 1s"' in page
    assert 'aria-valuenow="0"' in page and "0 of 6 rows" in page

    with site_a:  # a batch done: the fragment shows it and keeps polling
        UserImport.objects.filter(pk=user_import.pk).update(status="running", processed_rows=3)
    fragment = text(client.get(progress_url))
    assert "<html" not in fragment and 'aria-valuenow="50"' in fragment and f'hx-get="{progress_url}"' in fragment

    with site_a:
        UserImport.objects.filter(pk=user_import.pk).update(status="pending", processed_rows=0)
    _process(site_a, user_import, django_capture_on_commit_callbacks)
    fragment = text(client.get(progress_url))
    assert "hx-get" not in fragment and "hx-trigger" not in fragment  # finished: polling stops
    assert 'aria-valuenow="100"' in fragment
    assert "Members created</dt><dd>2</dd>" in fragment and "Rows rejected</dt><dd>4</dd>" in fragment
    assert f"/manage/users/import/{user_import.public_id}/rejected.csv" in fragment
    assert f'hx-get="{progress_url}"' not in text(client.get(response["Location"]))  # the page stops polling (the bell polls on)


@pytest.mark.usefixtures("media_in_tmp")
def test_rejected_rows_report(site_a, admin_a, django_capture_on_commit_callbacks):
    user_import = _create(site_a, admin_a, MIXED + "=HYPERLINK(1),Evil,Cell,learner\n")
    _process(site_a, user_import, django_capture_on_commit_callbacks)
    response = client_as(site_a, admin_a).get(f"/manage/users/import/{user_import.public_id}/rejected.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["row", "email", "reason"]
    assert [r[:2] for r in rows[1:]] == [
        ["3", "not-an-email"], ["4", "bob@example.org"], ["5", "ADA@example.org"], ["6", "admin@acme.test"],
        ["9", "'=HYPERLINK(1)"],  # a formula is neutralised for spreadsheets
    ]
    assert rows[4][2] == "Already a member."


def test_rejected_rows_are_shown_on_the_status_page(site_a, admin_a, django_capture_on_commit_callbacks):
    user_import = _create(site_a, admin_a, MIXED + "<b>x</b>@bad,Evil,Cell,learner\n")
    _process(site_a, user_import, django_capture_on_commit_callbacks)
    response = client_as(site_a, admin_a).get(f"/manage/users/import/{user_import.public_id}/")
    assert "&lt;b&gt;x&lt;/b&gt;@bad" in response.content.decode()  # escaped, not markup
    page = text(response)
    assert "<h2>Rejected rows</h2>" in page
    assert "<tr><td>3</td><td>not-an-email</td>" in page and "<td>Already a member.</td>" in page
    assert "Download the rejected rows (CSV)" in page


@pytest.mark.usefixtures("media_in_tmp")
@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        (png_bytes(), "members.csv", "not a UTF-8 text file"),
        (b"PK\x03\x04" + b"\x00" * 40, "members.xlsx", "Excel"),
        ("email,first_name,last_name,role\nzoë@example.org,Zoë,Ü,learner\n".encode("latin-1"), "members.csv", "not a UTF-8 text file"),
        ("ada@example.org,Ada,Lovelace,learner\n", "members.csv", "missing: email, first_name, last_name, role"),
        ("email,name\nada@example.org,Ada\n", "members.csv", "missing: first_name, last_name, role"),
        (HEADER, "members.csv", "no members"),
        ("", "members.csv", "empty"),
        ('email,first_name,last_name,role\n"ada@example.org"x,A,B,learner\n', "members.csv", "not valid CSV"),
    ],
)
def test_files_that_are_not_member_lists_are_refused(site_a, admin_a, body, name, message):
    response = client_as(site_a, admin_a).post("/manage/users/import/", {"file": csv_file(body, name)})
    assert response.status_code == 400
    assert message in text(response)
    with site_a:
        assert not UserImport.objects.exists()


@pytest.mark.usefixtures("media_in_tmp")
def test_oversized_file_is_refused(site_a, admin_a, settings):
    settings.CSV_IMPORT_MAX_BYTES = 200
    body = HEADER + "".join(f"person{i}@example.org,P,{i},learner\n" for i in range(10))
    assert len(body) > 200
    response = client_as(site_a, admin_a).post("/manage/users/import/", {"file": csv_file(body)})
    assert response.status_code == 400 and "too large" in text(response)
    with site_a:
        assert not UserImport.objects.exists()


@pytest.mark.usefixtures("media_in_tmp")
def test_missing_file_is_a_400(site_a, admin_a):
    response = client_as(site_a, admin_a).post("/manage/users/import/", {})
    assert response.status_code == 400 and "This field is required" in text(response)


@pytest.mark.usefixtures("media_in_tmp")
def test_import_page_lists_recent_imports(site_a, admin_a, django_capture_on_commit_callbacks):
    user_import = _create(site_a, admin_a, MIXED, name="autumn.csv")
    page = text(client_as(site_a, admin_a).get("/manage/users/import/"))
    assert "autumn.csv" in page and f"/manage/users/import/{user_import.public_id}/" in page


# --- API -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("media_in_tmp")
def test_api_upload_answers_202_and_reports_progress(site_a, admin_a, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.user_import_run, "delay", lambda *args: sent.append(args))
    client = api_client(site_a, jwt_for(site_a, "admin@acme.test"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/users/imports", {"file": csv_file(MIXED)})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "pending" and body["total"] == 6 and body["processed"] == 0 and body["percent"] == 0
    assert response["Location"] == f"/api/v1/users/imports/{body['id']}"
    assert len(sent) == 1

    with site_a:
        user_import = UserImport.objects.get(public_id=body["id"])
    _process(site_a, user_import, django_capture_on_commit_callbacks)
    done = client.get(response["Location"]).json()
    assert {k: done[k] for k in ("status", "total", "processed", "created", "rejected", "percent")} == {
        "status": "done", "total": 6, "processed": 6, "created": 2, "rejected": 4, "percent": 100,
    }
    assert done["rejected_rows"][0] == {"row": 3, "email": "not-an-email", "reason": "Invalid email address."}


@pytest.mark.usefixtures("media_in_tmp")
def test_api_upload_refuses_bad_files(site_a, admin_a, settings):
    client = api_client(site_a, jwt_for(site_a, "admin@acme.test"))
    response = client.post("/api/v1/users/imports", {"file": csv_file(png_bytes(), "list.csv")})
    assert response.status_code == 400 and "file" in response.json()["errors"]
    settings.CSV_IMPORT_MAX_BYTES = 50
    response = client.post("/api/v1/users/imports", {"file": csv_file(MIXED)})
    assert response.status_code == 400 and "too large" in response.json()["errors"]["file"][0]
    response = client.post("/api/v1/users/imports", {"file": "not a file"})
    assert response.status_code == 400
    with site_a:
        assert not UserImport.objects.exists()


# --- purging old invitations ---------------------------------------------------------------


def _invitation(email: str, expired_days_ago: float) -> Invitation:
    return Invitation.objects.create(
        email=email, role=Role.LEARNER, token_hash=uuid.uuid4().hex, expires_at=timezone.now() - timedelta(days=expired_days_ago),
    )


def test_purge_deletes_invitations_expired_more_than_30_days_ago(site_a, site_b):
    with site_a:
        _invitation("old@example.org", 31)
        _invitation("recent@example.org", 29)
        _invitation("pending@example.org", -3)
    with site_b:
        _invitation("old-b@example.org", 40)
    with site_a:
        assert tasks.purge_expired_invitations_for_tenant() == 1
        assert sorted(Invitation.objects.values_list("email", flat=True)) == ["pending@example.org", "recent@example.org"]
    with site_b:  # another institution's rows are its own task's business
        assert Invitation.objects.filter(email="old-b@example.org").exists()


def test_purge_fans_out_from_the_public_schema_to_every_institution(site_a, site_b, monkeypatch):
    schemas = []
    monkeypatch.setattr(tasks.purge_expired_invitations_for_tenant, "delay", lambda: schemas.append(connection.schema_name))
    connection.set_schema_to_public()
    count = tasks.purge_expired_invitations()
    assert {site_a.tenant.schema_name, site_b.tenant.schema_name} <= set(schemas) and count == len(schemas)
    assert "public" not in schemas and "tenant_template" not in schemas


def test_beat_schedule_names_the_purge_task():
    name = django_settings.CELERY_BEAT_SCHEDULE["purge-expired-invitations"]["task"]
    assert name == "tenant_apps.accounts.tasks.purge_expired_invitations"
    assert celery_app.tasks[name].name == tasks.purge_expired_invitations.name == name


# --- on a real worker ----------------------------------------------------------------------


@pytest.mark.worker
def test_import_runs_on_a_real_worker_in_its_institutions_schema(celery_worker, django_db_blocker):
    """Committed data, a real worker: the import finishes, members land in Acme only, welcomed by email."""
    tag = uuid.uuid4().hex[:8]
    good = [f"w{i:02d}-{tag}@worker.test" for i in range(23)]
    body = HEADER + "".join(f"{e},W,{i},learner\n" for i, e in enumerate(good))
    body += f"bad-{tag},X,Y,learner\n{good[0]},Dup,Row,learner\n"
    mail_dir = Path(django_settings.EMAIL_FILE_PATH)
    seen_progress = set()
    with django_db_blocker.unblock():
        acme, globex = (Tenant.objects.get(slug=slug).schema_name for slug in ("acme", "globex"))
        try:
            with schema_context(acme):
                admin = User.objects.get(username="admin@acme.test")
                user_import = services.user_import_create(upload=csv_file(body), created_by=admin)  # task sent on commit
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                with schema_context(acme):
                    current = UserImport.objects.get(pk=user_import.pk)
                seen_progress.add(current.processed_rows)
                if current.is_finished:
                    break
                time.sleep(0.1)
            with schema_context(acme):
                created = set(User.objects.filter(username__endswith=f"-{tag}@worker.test").values_list("username", flat=True))
            with schema_context(globex):
                leaked = User.objects.filter(username__endswith=f"-{tag}@worker.test").count()
        finally:
            with schema_context(acme):
                User.objects.filter(username__endswith=f"-{tag}@worker.test").delete()
                stored = UserImport.objects.filter(pk=user_import.pk).first()
                if stored is not None:
                    stored.source.delete(save=False)
                    stored.delete()
            connection.set_schema_to_public()
    assert current.status == UserImport.Status.DONE, (current.status, current.error)
    assert (current.total_rows, current.processed_rows, current.created_count) == (25, 25, 23)
    assert [r["row"] for r in current.rejected_rows] == [25, 26]
    assert created == set(good) and leaked == 0
    assert max(seen_progress) == 25
    # The worker's mail backend writes files: each member got a welcome link to Acme's site.
    # Each welcome is its own mail task, enqueued when the import's rows commit: wait for them.
    deadline = time.monotonic() + 60
    while True:
        welcomes = [p for p in mail_dir.glob("*.log") if f"-{tag}@worker.test" in p.read_text(errors="replace")]
        text_all = "".join(p.read_text(errors="replace") for p in welcomes)
        if all(e in text_all for e in good) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    try:
        assert all(e in text_all for e in good)
        assert "://acme.localhost" in text_all and "/accounts/reset/" in text_all
    finally:
        for p in welcomes:
            p.unlink()
