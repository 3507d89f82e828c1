"""Erasure: after the real pipeline, nothing of the person is left in any table, stored file or
cache key of the institution but the legal-hold payment records; cancel during the cool-off;
a crash mid-step resumes without running any step twice."""
from __future__ import annotations

import dataclasses
import pickle
import secrets
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%% {secret}\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def _pdf(name: str, secret: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF.replace(b"{secret}", secret.encode()), content_type="application/pdf")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclasses.dataclass
class Seeded:
    learner: object
    needles: list[str]
    order_id: int
    refund_id: int
    collected_pledge_id: int
    open_pledge_id: int
    session_key: str


def _seed_everywhere(site, admin) -> Seeded:
    """A learner with data in every area, through the real services."""
    from billing.commerce import ledger
    from billing.commerce.models import Order, Refund
    from crowdfunding import services as crowd
    from crowdfunding.comments import comment_post
    from crowdfunding.models import Pledge
    from lms.assignments import services as assignment_services
    from lms.assignments.tests.helpers import add_assignment
    from lms.courses import services as course_services
    from lms.quizzes import publishing as quiz_publishing
    from lms.quizzes import selectors as quiz_selectors
    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import Quiz
    from lms.quizzes.tests.factories import every_kind_questions, perfect_answers
    from lms.tracks import services as track_services
    from tenant_apps.accounts.models import Invitation
    from tenants.api import audit_log

    tag = secrets.token_hex(3)
    first, last = f"Zephyrine{tag}", f"Quillfeather{tag}"
    email = f"zq-{tag}@acme.test"
    learner = site.make_user("learner", email=email, first_name=first, last_name=last)
    instructor = site.make_user("instructor")
    with site:
        Invitation.objects.create(email=email, role="learner", token_hash=secrets.token_hex(32), invited_by=admin,
                                  expires_at=timezone.now() + timedelta(days=3), accepted_at=timezone.now())
        course = course_services.course_create(author=instructor, title=f"Course {tag}")
        lesson = course_services.lesson_create(module=course_services.module_create(course=course, title="M"), title="L")
        text = course_services.item_create(lesson=lesson, kind="text", title="Reading", body="Read me")
        quiz = Quiz.objects.get(uuid=quiz_publishing.draft_create(course, "Quiz", instructor))
        for question in every_kind_questions():
            quiz_services.question_create(quiz=quiz, **question)
        course_services.item_create(lesson=lesson, kind="quiz", title="Quiz", ref_uuid=quiz.uuid)
        assignment, _ = add_assignment(course, lesson, title="Essay")
        course_services.course_publish(course=course, author=instructor, change_note="v1")
        course.refresh_from_db()

        enrollment = course_services.enrollment_create(course=course, learner=learner)
        course_services.progress_item_complete(enrollment=enrollment, item_uuid=text.uuid)
        attempt = quiz_services.attempt_start(
            learner_quiz=quiz_selectors.learner_quiz_get(learner=learner, course=course, quiz_uuid=quiz.uuid)).attempt
        answers = perfect_answers(quiz)
        answers[str(quiz.questions.order_by("position").last().uuid)] = f"I am {first} {last}"
        quiz_services.attempt_submit(attempt=attempt, answers=answers)
        submission = assignment_services.submission_create(
            learner=learner, course=course, assignment_uuid=assignment.uuid, text=f"By {first} {last}",
            upload=_pdf("essay.pdf", f"{first} {last} <{email}>"))
        assignment_services.grade_save(submission=submission, grader=instructor, points=8, feedback=f"Well done {first}")
        assignment_services.grades_post(assignment=assignment, actor=instructor)

        track = track_services.track_create(author=instructor, title=f"Track {tag}", free_order=True)
        track_services.track_add_course(track=track, course=course, actor=instructor)
        project = track_services.track_add_project(track=track, title="Project", actor=instructor).project
        step = track_services.project_step_add(project=project, title="Step", instructions="Do", deliverable="file",
                                               actor=instructor)
        track_services.track_update(track=track, actor=instructor, is_published=True)
        track_services.track_enroll(track=track, learner=learner)
        track_services.step_submit(step=step, learner=learner, file=_pdf("deliverable.pdf", f"{last} {email}"))

        order = Order.objects.create(
            number=f"R-8{secrets.randbelow(10**5):05d}", buyer=learner, buyer_email=email, buyer_name=f"{first} {last}",
            status=Order.Status.PARTIALLY_REFUNDED, product_kind="course", product_ref=str(course.uuid),
            description="Course", currency="USD", subtotal_amount=2500, total_amount=2500, refunded_amount=500,
            stripe_payment_intent_id=f"pi_{tag}", paid_at=timezone.now())
        ledger.charge_record(order=order, reference=order.stripe_payment_intent_id, total=2500, application_fee=125,
                             processor_fee=103)
        refund = Refund.objects.create(order=order, amount=500, status=Refund.Status.SUCCEEDED, created_by=admin,
                                       reason="Partial refund")

        deadline = timezone.now() + timedelta(days=30)
        campaigns = [crowd.campaign_publish(campaign=crowd.campaign_create(
            actor=admin, title=f"Drive {n} {tag}", pitch="Help", story="Story", goal_amount=100_000, deadline=deadline),
            actor=admin) for n in (1, 2)]
        collected = crowd.pledge_create(backer=learner, campaign=campaigns[0], amount=3_000)
        Pledge.objects.filter(pk=collected.pk).update(status=Pledge.Status.COLLECTED, collected_at=timezone.now(),
                                                      stripe_customer_id=f"cus_{tag}", order_number="R-1")
        still_open = crowd.pledge_create(backer=learner, campaign=campaigns[1], amount=2_000)
        comment_post(campaign=campaigns[0], author=learner, body=f"Go go go, {first}!")
        audit_log(action="account.test", target=learner, actor=learner, before={"email": email},
                  after={"name": f"{first} {last}"})

    client = site.client(learner)
    assert client.get("/dashboard/").status_code == 200  # the learner's cached dashboard body
    return Seeded(learner=learner, needles=[email, first, last, f"learner-{learner.pk}"], order_id=order.pk,
                  refund_id=refund.pk, collected_pledge_id=collected.pk, open_pledge_id=still_open.pk,
                  session_key=client.cookies["sessionid"].value)


# --- the searches -------------------------------------------------------------------------------------

def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                       "AND table_type = 'BASE TABLE' ORDER BY table_name", [schema])
        return [r[0] for r in cursor.fetchall()]


def db_hits(schema: str, needles: list[str]) -> dict[str, list[str]]:
    """Every row of every table of the schema, cast to text, matched against the needles."""
    patterns = [f"%{n}%" for n in needles]
    hits = {}
    with connection.cursor() as cursor:
        for table in _tables(schema):
            cursor.execute(f'SELECT t::text FROM "{schema}"."{table}" AS t WHERE t::text ILIKE ANY(%s)', [patterns])
            rows = [r[0][:200] for r in cursor.fetchall()]
            if rows:
                hits[table] = rows
    return hits


def rows_pointing_at(schema: str, user_id: int) -> dict[str, set[int]]:
    """{table: ids} of the rows whose foreign key points at the account."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey) "
            "WHERE c.contype = 'f' AND c.confrelid = %s::regclass", [f'"{schema}"."auth_user"'])
        out: dict[str, set[int]] = {}
        for table, column in cursor.fetchall():
            name = table.split(".")[-1].strip('"')
            cursor.execute(f'SELECT id FROM "{schema}"."{name}" WHERE "{column}" = %s', [user_id])
            ids = {r[0] for r in cursor.fetchall()}
            if ids:
                out.setdefault(name, set()).update(ids)
    return out


def file_hits(schema: str, needles: list[str]) -> list[str]:
    from tenants.storage import tenant_prefix

    root = Path(settings.MEDIA_ROOT) / tenant_prefix(schema)
    out = []
    for path in root.rglob("*") if root.exists() else []:
        relative = str(path.relative_to(root))
        content = path.read_bytes().decode("latin-1").lower() if path.is_file() else ""
        if any(n.lower() in relative.lower() or n.lower() in content for n in needles):
            out.append(relative)
    return out


def cache_hits(schema: str, needles: list[str], user_id: int) -> list[str]:
    """Keys of the institution (and their values, unpickled when they are) that name the person,
    carry their id the way per-person keys do, or are one of their sessions."""
    options = settings.CACHES["default"]
    client = caches["default"]._cache.get_client()
    id_marks = [f":{user_id}:", f"-ver:{user_id}"]
    out = []
    for raw_key in client.scan_iter(match=f"{schema}:{options['KEY_PREFIX']}:*", count=1000):
        key = raw_key.decode()
        value = client.get(raw_key) or b""
        try:
            loaded = pickle.loads(value)
        except Exception:  # noqa: BLE001 - plain integers are stored raw
            loaded = value
        text = (value.decode("latin-1") + repr(loaded)).lower()
        session_of_user = isinstance(loaded, dict) and str(loaded.get("_auth_user_id")) == str(user_id)
        if session_of_user or any(n.lower() in key.lower() or n.lower() in text for n in needles) or \
                any(mark in key for mark in id_marks):
            out.append(key)
    return out


# --- the tests --------------------------------------------------------------------------------------

def _erase_now(site, request) -> None:
    from tenant_apps.privacy import erasure

    with site:
        type(request).objects.filter(pk=request.pk).update(scheduled_for=timezone.now() - timedelta(seconds=1))
        assert erasure.erasure_start_due() == [request.pk]
        erasure.erasure_run(request_id=request.pk)


def test_erasure_leaves_nothing_of_the_person_but_the_legal_hold_rows(site_a, admin_a, media,
                                                                       django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User

    from tenant_apps.privacy import erasure
    from tenant_apps.privacy.models import ErasureRequest, LegalHold

    schema = site_a.tenant.schema_name
    seeded = _seed_everywhere(site_a, admin_a)
    learner, needles = seeded.learner, seeded.needles
    with site_a:
        # the searches do find the person before: every table kind, the files, the cache
        before = db_hits(schema, needles)
        assert {"auth_user", "quizzes_quizattempt", "assignments_submission",
                "assignments_grade", "commerce_order", "crowdfunding_comment", "tenant_audit_auditentry",
                "accounts_invitation"} <= set(before), before.keys()
        assert any(p.endswith("essay.pdf") for p in file_hits(schema, needles))
        assert any("dashboard-body" in k for k in cache_hits(schema, needles, learner.pk))
        assert any(k for k in cache_hits(schema, [], learner.pk) if "dash-learner-ver" in k)

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            request = erasure.erasure_request_create(user=learner)
        assert [m.to for m in mail.outbox] == [[learner.email]]
        assert "/privacy/erasure/cancel/" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _erase_now(site_a, request)

    with site_a:
        request.refresh_from_db()
        assert request.status == ErasureRequest.Status.DONE, request.error
        assert request.step == request.steps_total == len(erasure.erasure_steps())
        assert [e["step"] for e in request.log] == [s.name for s in erasure.erasure_steps()]
        # the goodbye went to the address the person had, and nowhere else
        assert [m.to for m in mail.outbox] == [[needles[0]]] and "erased" in mail.outbox[0].subject

        # 1. no table holds their email, names or id-derived strings any more
        assert db_hits(schema, needles) == {}
        # 2. the rows still pointing at the account: the legal-hold payment records, the tombstone's
        #    profile and the erasure request itself. Nothing else.
        assert rows_pointing_at(schema, learner.pk) == {
            "commerce_order": {seeded.order_id},
            "crowdfunding_pledge": {seeded.collected_pledge_id},
            "accounts_profile": {learner.profile.pk},
            "privacy_erasurerequest": {request.pk},
        }
        holds = set(LegalHold.objects.filter(request=request).values_list("category", "model", "object_id"))
        assert holds == {("payments", "commerce.Order", str(seeded.order_id)),
                         ("payments", "commerce.Refund", str(seeded.refund_id)),
                         ("payments", "crowdfunding.Pledge", str(seeded.collected_pledge_id))}
        hold = LegalHold.objects.filter(request=request).first()
        assert hold.held_until.year == timezone.now().year + settings.PRIVACY_PAYMENT_RETENTION_YEARS
        from billing.commerce.models import Order
        from crowdfunding.models import Pledge

        order = Order.objects.get(pk=seeded.order_id)
        assert (order.buyer_name, order.buyer_email) == (request.pseudonym, f"{request.pseudonym}@invalid")
        assert order.total_amount == 2500 and order.transactions.count() == 1  # the books still add up
        assert request.pseudonym.startswith("retired-") and len(request.pseudonym) == 28
        assert not Pledge.objects.filter(pk=seeded.open_pledge_id).exists()
        account = User.objects.get(pk=learner.pk)
        assert (account.username, account.email, account.first_name, account.last_name, account.is_active,
                account.has_usable_password()) == (request.pseudonym, f"{request.pseudonym}@invalid", "", "", False, False)

        # 3. no stored file, 4. no cache key or value
        assert file_hits(schema, needles) == []
        assert cache_hits(schema, needles, learner.pk) == []
        from django.contrib.sessions.models import Session

        assert not Session.objects.filter(session_key=seeded.session_key).exists()

        # re-running the finished pipeline changes nothing
        erasure.erasure_run(request_id=request.pk)
        assert ErasureRequest.objects.get(pk=request.pk).log == request.log


def test_request_locks_and_signs_out_and_cancel_during_cool_off_restores_sign_in(site_a, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import User

    from tenant_apps.privacy.models import ErasureRequest

    learner = site_a.make_user("learner")
    client = site_a.client(learner)
    tokens = Client(HTTP_HOST=site_a.host).post("/api/v1/auth/token", {"email": learner.email, "password": PASSWORD},
                                                 content_type="application/json").json()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/privacy/erasure/", {"password": "wrong"})
    assert answer.status_code == 400 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/privacy/erasure/", {"password": PASSWORD, "confirm": "on"})
    assert answer.status_code == 200 and "cancel link" in answer.content.decode()
    with site_a:
        request = ErasureRequest.objects.get(user=learner)
        assert request.status == "cooling_off" and not User.objects.get(pk=learner.pk).is_active
        assert (request.scheduled_for - timezone.now()).days in (13, 14)
    # signed out everywhere: the old session and the old token are refused; the login says why
    assert client.get("/accounts/profile/").status_code == 302
    api = Client(HTTP_HOST=site_a.host, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert api.get("/api/v1/me").status_code == 401
    login = Client(HTTP_HOST=site_a.host).post("/accounts/login/", {"username": learner.email, "password": PASSWORD})
    assert login.status_code == 200 and "erasure was requested" in login.content.decode()
    wrong = Client(HTTP_HOST=site_a.host).post("/accounts/login/", {"username": learner.email, "password": "nope-nope"})
    assert "erasure" not in wrong.content.decode()  # only for someone who knows the password

    link = next(line for line in mail.outbox[0].body.splitlines() if "/privacy/erasure/cancel/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1].strip()
    visitor = Client(HTTP_HOST=site_a.host)
    assert visitor.get(path).status_code == 200  # a confirmation page; GET changes nothing
    with site_a:
        assert ErasureRequest.objects.get(pk=request.pk).status == "cooling_off"
    assert visitor.post(path).status_code == 200
    with site_a:
        assert ErasureRequest.objects.get(pk=request.pk).status == "cancelled"
        assert User.objects.get(pk=learner.pk).is_active
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="privacy.erasure_cancel", target_id=str(learner.pk)).exists()
    again = Client(HTTP_HOST=site_a.host)
    assert again.post("/accounts/login/", {"username": learner.email, "password": PASSWORD}).status_code == 302
    assert visitor.post(path).status_code == 409  # a used link does nothing more


def test_a_crash_mid_step_rolls_that_step_back_and_the_rerun_finishes_without_repeating_steps(
        site_a, admin_a, media, monkeypatch):
    from lms.assignments.models import Submission
    from tenant_apps.privacy import erasure, registry
    from tenant_apps.privacy.models import ErasureRequest

    seeded = _seed_everywhere(site_a, admin_a)
    real = registry.provider_get("submissions")
    calls = {"n": 0}

    def crashes_once(user, **kwargs):
        calls["n"] += 1
        counts = real.erase(user, **kwargs)  # the work is done ...
        if calls["n"] == 1:
            raise RuntimeError(f"disk on fire while erasing {user.email}")  # ... and the step dies before committing
        return counts

    monkeypatch.setitem(registry._providers, "submissions", dataclasses.replace(real, erase=crashes_once))
    names = [s.name for s in erasure.erasure_steps()]
    with site_a:
        request = erasure.erasure_request_create(user=seeded.learner)
        type(request).objects.filter(pk=request.pk).update(scheduled_for=timezone.now())
        erasure.erasure_start_due()
        with pytest.raises(RuntimeError):
            erasure.erasure_run(request_id=request.pk)
        request.refresh_from_db()
        crashed_at = names.index("erase:submissions")
        assert (request.status, request.step) == ("failed", crashed_at)
        assert seeded.needles[0] not in request.error and "disk on fire" in request.error  # no email in the log
        assert Submission.objects.filter(learner=seeded.learner).count() == 1  # the step's work rolled back
        done_before = list(request.log)
        assert [e["step"] for e in done_before] == names[:crashed_at]

        erasure.erasure_retry(request=request, actor=admin_a)
        erasure.erasure_run(request_id=request.pk)
        request.refresh_from_db()
        assert request.status == "done" and request.attempts == 2
        assert request.log[:crashed_at] == done_before  # finished steps were not run again
        assert [e["step"] for e in request.log] == names  # each step exactly once
        submissions = next(e for e in request.log if e["step"] == "erase:submissions")
        assert submissions["counts"] == {"submissions_deleted": 1}  # the rerun did the whole step, once
        files = next(e for e in request.log if e["step"] == "files")
        assert files["counts"] == {"files_deleted": 2}
        assert ErasureRequest.objects.get(pk=request.pk).files_pending == []
    assert calls["n"] == 2


def test_the_last_administrator_cannot_be_locked_and_a_second_request_is_refused(site_a, admin_a):
    from django.core.exceptions import ValidationError

    from tenant_apps.privacy import erasure

    with site_a:
        with pytest.raises(ValidationError, match="administrator"):
            erasure.erasure_request_create(user=admin_a)
    learner = site_a.make_user("learner")
    with site_a:
        erasure.erasure_request_create(user=learner, actor=admin_a)
        with pytest.raises(ValidationError, match="already"):
            erasure.erasure_request_create(user=learner, actor=admin_a)
        from tenant_apps.accounts.services import user_set_active

        learner.refresh_from_db()
        with pytest.raises(ValidationError, match="erasure was requested"):  # cancel it instead
            user_set_active(user=learner, active=True, actor=admin_a)
