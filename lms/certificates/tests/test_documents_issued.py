"""The documents of a really issued certificate: PDFs read back (pypdf) against the stored row and
the gradebook, the embedded credential verified offline by a Python with no Django and no database,
one changed byte failing, revocation visible on the page and in the published status list, who may
download, the certificate settings, bulk issue and reissue sealing one credential each."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from lms.certificates import documents, rendering, services
from lms.certificates.models import BulkIssueJob, Certificate, CertificateSettings

from .helpers import all_rules, build_world, complete_everything, enroll, essay_graded, fresh, quiz_graded

pytestmark = pytest.mark.django_db

VERIFY_PY = Path(__file__).resolve().parents[3] / "tenant_apps" / "credentials" / "verify.py"
PAGE_POINTS = {"A4": (841.89, 595.28), "Letter": (792.0, 612.0)}  # the certificate is landscape


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Lea", last_name="Lovelace")
    with site_a:
        w = build_world(instructor=instructor, title="Analytical Engines", publish=False)
        services.course_rules_update(course=w.course, rules=all_rules(w, weights={str(w.assignment.uuid): "2"}),
                                     actor=instructor)
        from lms.courses import services as course_services

        course_services.course_publish(course=w.course, author=instructor)
        w.course.refresh_from_db()
        enrollment = enroll(w, learner)
        quiz_graded(w, learner, 0, 10)
        quiz_graded(w, learner, 1, 7)
        essay_graded(w, learner, 17)
        complete_everything(w, enrollment)
        w.certificate = services.certificate_issue_for_enrollment(enrollment=fresh(enrollment)).certificate
    w.learner = learner
    return w


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def _verify_offline(tmp_path, credential: bytes, did_document: dict, status_list: dict | None = None) -> dict:
    """verify.py loaded from its file by a fresh interpreter: no Django settings, no database, no network."""
    (tmp_path / "credential.json").write_bytes(credential)
    (tmp_path / "did.json").write_text(json.dumps(did_document))
    lists = []
    if status_list is not None:
        (tmp_path / "status.json").write_text(json.dumps(status_list))
        lists = [str(tmp_path / "status.json")]
    script = (
        "import importlib.util, json, sys\n"
        f"spec = importlib.util.spec_from_file_location('standalone_verify', {str(VERIFY_PY)!r})\n"
        "module = importlib.util.module_from_spec(spec); sys.modules['standalone_verify'] = module\n"
        "spec.loader.exec_module(module)\n"
        "result = module.verify_files(sys.argv[1], did_document=sys.argv[2], status_lists=sys.argv[3:])\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith(('django.', 'tenant_apps', 'lms'))]\n"
        "print(json.dumps({'valid': result.valid, 'revoked': result.revoked, 'reasons': result.reasons}))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script, str(tmp_path / "credential.json"),
                           str(tmp_path / "did.json"), *lists], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_certificate_pdf_of_an_issued_certificate_reads_back(site_a, world):
    certificate = world.certificate
    client = site_a.client(world.learner)
    response = client.get(f"/certificates/{certificate.number}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="certificate-{certificate.number}.pdf"' in response["Content-Disposition"]
    text = _text(response.content)
    assert "Lea Lovelace" in text and "Analytical Engines" in text and certificate.number in text
    assert certificate.grade_band == "B" and re.search(r"\bB\b", text)
    assert documents.format_percent(certificate.total_percent) in text  # 85% (weighted: 100, 70, 85 x2)
    assert certificate.total_percent == Decimal("85.00")
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == tuple(round(v, 1) for v in PAGE_POINTS["A4"])
    letter = client.get(f"/certificates/{certificate.number}/certificate.pdf", {"size": "Letter"})
    box = PdfReader(io.BytesIO(letter.content)).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == PAGE_POINTS["Letter"]
    # An unknown size falls back to the institution's default (A4) on the page; the API says 400.
    assert client.get(f"/certificates/{certificate.number}/certificate.pdf", {"size": "A0"}).status_code == 200
    assert client.get(f"/api/v1/certificates/{certificate.number}/certificate.pdf", {"size": "A0"}).status_code == 400
    api = client.get(f"/api/v1/certificates/{certificate.number}/certificate.pdf", HTTP_ACCEPT="application/pdf")
    assert api.status_code == 200 and api.content.startswith(b"%PDF")
    # The embedded credential is the stored one, byte for byte as the JSON download.
    reader = PdfReader(io.BytesIO(response.content))
    embedded = reader.attachments[documents.CREDENTIAL_ATTACHMENT][0]
    download = client.get(f"/certificates/{certificate.number}/credential.json")
    assert download["Content-Type"] == "application/json" and download.content == embedded
    with site_a:
        assert json.loads(embedded) == Certificate.objects.get(pk=certificate.pk).credential
    assert reader.metadata[documents.NUMBER_INFO_KEY] == certificate.number


def test_marksheet_pdf_has_every_gradebook_line(site_a, world):
    certificate = world.certificate
    response = site_a.client(world.learner).get(f"/certificates/{certificate.number}/marksheet.pdf")
    assert response.status_code == 200
    text = _text(response.content)
    assert "Lea Lovelace" in text and "Analytical Engines" in text and certificate.number in text
    rows = certificate.breakdown
    assert [(r["title"], r["score"], r["max_score"]) for r in rows] == [
        ("Quiz 1", "10.00", "10.00"), ("Quiz 2", "7.00", "10.00"), ("Essay", "17.00", "20.00")]
    # the gradebook's own figures: the essay's posted grade, each quiz's best graded attempt
    from lms.assignments import api as assignments_api
    from lms.quizzes import api as quizzes_api

    with site_a:
        posted = assignments_api.posted_grades_for_course(course=world.course, learner_id=world.learner.pk)
        quizzes = quizzes_api.quiz_scores_for_course(course=world.course, learner_id=world.learner.pk)
    final, max_points = posted[(world.learner.pk, str(world.assignment.uuid))]
    assert (Decimal(rows[2]["score"]), Decimal(rows[2]["max_score"])) == (Decimal(final), Decimal(max_points))
    for row, quiz in zip(rows[:2], world.quizzes):
        best = {str(q): s for (lid, q), s in quizzes.items() if lid == world.learner.pk}[str(quiz.uuid)]
        score, maximum = best[0], best[1]
        assert (Decimal(row["score"]), Decimal(row["max_score"])) == (Decimal(score), Decimal(maximum))
    # weights 1, 1, 2 of 4: shares 25 %, 25 %, 50 %; contributions 25, 17.5, 42.5 points = 85
    expected = [("Quiz", "Quiz 1", "10", "10", "25%", "25"), ("Quiz", "Quiz 2", "7", "10", "25%", "17.5"),
                ("Assignment", "Essay", "17", "20", "50%", "42.5")]
    for kind, title, score, max_score, weight, contribution in expected:
        pattern = (rf"{kind} {re.escape(title)}(?: \([^)]*\))? {re.escape(score)} {re.escape(max_score)} "
                   rf"{re.escape(weight)} {re.escape(contribution)}\b")
        assert re.search(pattern, text), (pattern, text)
    assert re.search(r"Total 34 40 100% 85%", text), text
    assert "Percentage: 85% · Grade: B" in text
    lines, total_score, total_max = rendering.score_lines(certificate)
    assert sum(line.contribution for line in lines) == certificate.total_percent


def test_embedded_credential_verifies_offline_and_one_changed_byte_fails(site_a, world, tmp_path):
    client = site_a.client(world.learner)
    pdf = client.get(f"/certificates/{world.certificate.number}/certificate.pdf").content
    credential = PdfReader(io.BytesIO(pdf)).attachments[documents.CREDENTIAL_ATTACHMENT][0]
    did_document = site_a.client().get("/.well-known/did.json").json()
    document = json.loads(credential)
    assert document["credentialSubject"]["achievement"]["name"] == "Analytical Engines"
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "Lea Lovelace"
    email = document["credentialSubject"]["identifier"][1]
    assert email["hashed"] and world.learner.email not in credential.decode()
    assert document["credentialSubject"]["result"][0]["value"] == "B"
    assert document["id"].endswith(f"/certificates/verify/{world.certificate.number}/")
    assert document["issuer"]["name"] == "Acme Academy"

    offline = _verify_offline(tmp_path, credential, did_document)
    assert offline["valid"] is True and offline["revoked"] is None, offline  # no status list given: not checked
    for needle in (b"Lea Lovelace", b'"value": "B"', document["proof"]["proofValue"][5:9].encode()):
        at = credential.index(needle) + 1
        tampered = credential[:at] + bytes([credential[at] ^ 0x01]) + credential[at + 1:]
        result = _verify_offline(tmp_path, tampered, did_document)
        assert result["valid"] is False, needle


def test_revoke_shows_on_the_page_and_in_the_status_list_for_an_offline_verifier(site_a, world, tmp_path,
                                                                                  django_capture_on_commit_callbacks):
    number = world.certificate.number
    visitor = site_a.client()
    page = visitor.get(f"/certificates/verify/{number}/").content.decode()
    assert 'data-status-list="not revoked"' in page
    assert f"/certificates/verify/{number}/credential.json" in page
    credential = visitor.get(f"/certificates/verify/{number}/credential.json")
    assert credential.status_code == 200 and credential["Content-Type"] == "application/json"
    status_url = json.loads(credential.content)["credentialStatus"]["statusListCredential"]
    did_document = visitor.get("/.well-known/did.json").json()
    status_path = "/" + status_url.split("/", 3)[3]
    before = _verify_offline(tmp_path, credential.content, did_document, visitor.get(status_path).json())
    assert before["valid"] is True and before["revoked"] is False

    with django_capture_on_commit_callbacks(execute=True):
        response = site_a.client(world.instructor).post(
            f"/studio/courses/{world.course.slug}/certificates/{number}/revoke", {"reason": "Copied essay"})
    assert response.status_code == 302
    page = visitor.get(f"/certificates/verify/{number}/").content.decode()
    assert 'data-status="revoked"' in page and "Copied essay" in page and 'data-status-list="revoked"' in page
    assert visitor.get(f"/certificates/verify/{number}/credential.json").status_code == 404
    api = visitor.get(f"/api/v1/certificates/verify/{number}").json()
    assert api["status"] == "revoked" and api["status_list_state"] == "revoked"
    after = _verify_offline(tmp_path, credential.content, did_document, visitor.get(status_path).json())
    assert after["valid"] is False and after["revoked"] is True
    # the learner still downloads the revoked certificate's documents (the credential says revoked)
    assert site_a.client(world.learner).get(f"/certificates/{number}/credential.json").status_code == 200


def test_who_may_download(site_a, site_b, world):
    number = world.certificate.number
    paths = [f"/certificates/{number}/certificate.pdf", f"/certificates/{number}/marksheet.pdf",
             f"/certificates/{number}/credential.json", f"/api/v1/certificates/{number}/credential"]
    other_learner = site_a.make_user(role="learner")
    other_instructor = site_a.make_user(role="instructor")
    with site_a:
        from django.contrib.auth.models import User

        admin = User.objects.get(username="admin@acme.test")
    for path in paths:
        assert site_a.client(world.learner).get(path).status_code == 200, path
        assert site_a.client(world.instructor).get(path).status_code == 200, path
        assert site_a.client(admin).get(path).status_code == 200, path
        assert site_a.client(other_learner).get(path).status_code == 404, path
        assert site_a.client(other_instructor).get(path).status_code == 404, path
        assert site_a.client().get(path).status_code in (302, 401, 403), path
        assert site_b.client().get(path).status_code in (302, 401, 403, 404), path
    assert site_a.client(world.learner).get("/certificates/EC-AAAAAAAAAAAAAAAA/certificate.pdf").status_code == 404
    body = site_a.client(world.learner).get("/certificates/").content.decode()
    for path in paths[:3]:
        assert f'href="{path}' in body
    staff = site_a.client(world.instructor).get(f"/studio/courses/{world.course.slug}/certificates/").content.decode()
    assert f'href="{paths[0]}"' in staff and f'href="{paths[1]}"' in staff


def test_issue_email_links_the_documents(site_a, world, mailoutbox, django_capture_on_commit_callbacks):
    learner = site_a.make_user(role="learner", first_name="Mia", last_name="Mail")
    with site_a:
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 10)
        quiz_graded(world, learner, 1, 10)
        essay_graded(world, learner, 20)
        complete_everything(world, enrollment)
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.certificate_issue_for_enrollment(enrollment=fresh(enrollment)).certificate
    message = next(m for m in mailoutbox if learner.email in m.to)
    for suffix in ("certificate.pdf", "marksheet.pdf", "credential.json"):
        assert f"/certificates/{certificate.number}/{suffix}" in message.body


def test_certificate_settings_signatories_and_page_size(site_a, world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (160, 50), (20, 20, 20, 255)).save(out, "PNG")
    with site_a:
        from django.contrib.auth.models import User

        admin = User.objects.get(username="admin@acme.test")
    client = site_a.client(admin)
    plain = site_a.client(world.learner).get(f"/certificates/{world.certificate.number}/certificate.pdf").content
    images_before = len(PdfReader(io.BytesIO(plain)).pages[0].images)  # the QR code (no logo here)
    assert client.get("/manage/certificates/settings").status_code == 200
    assert site_a.client(world.instructor).get("/manage/certificates/settings").status_code == 404
    bad = client.post("/manage/certificates/settings", {
        "page_size": "Letter", "name_1": "Grace Hopper", "signature_1": SimpleUploadedFile("s.png", b"not an image")})
    assert bad.status_code == 400 and "PNG, JPEG or WebP" in bad.content.decode()
    response = client.post("/manage/certificates/settings", {
        "page_size": "Letter", "name_1": "Grace Hopper", "title_1": "Dean of Studies",
        "signature_1": SimpleUploadedFile("s.png", out.getvalue(), content_type="image/png"),
        "name_2": "", "name_3": "Alan Turing", "title_3": "Course Lead"})
    assert response.status_code == 302
    with site_a:
        row = CertificateSettings.objects.get(pk=1)
    assert row.page_size == "Letter" and [s["name"] for s in row.signatories] == ["Grace Hopper", "Alan Turing"]
    assert row.signatories[0]["signature"] and not row.signatories[1]["signature"]
    pdf = site_a.client(world.learner).get(f"/certificates/{world.certificate.number}/certificate.pdf").content
    reader = PdfReader(io.BytesIO(pdf))
    assert (round(float(reader.pages[0].mediabox.width), 1), round(float(reader.pages[0].mediabox.height), 1)) == \
        PAGE_POINTS["Letter"]
    text = _text(pdf)
    assert "Grace Hopper" in text and "Dean of Studies" in text and "Alan Turing" in text
    assert len(reader.pages[0].images) == images_before + 1  # and the signature
    # removing the signature image
    client.post("/manage/certificates/settings", {"page_size": "A4", "name_1": "Grace Hopper",
                                                  "remove_signature_1": "on"})
    with site_a:
        row = CertificateSettings.objects.get(pk=1)
    assert row.page_size == "A4" and row.signatories == [{"name": "Grace Hopper", "title": "", "signature": ""}]


def test_bulk_issue_and_reissue_seal_one_credential_each(site_a, world, django_capture_on_commit_callbacks):
    from tenant_apps.credentials import api as credentials

    others = [site_a.make_user(role="learner", first_name=f"Bulk{n}") for n in range(3)]
    with site_a:
        for learner in others:
            enrollment = enroll(world, learner)
            quiz_graded(world, learner, 0, 10)
            quiz_graded(world, learner, 1, 10)
            essay_graded(world, learner, 20)
            complete_everything(world, enrollment)
        job = services.bulk_issue_start(course=world.course, actor=world.instructor)
        services.bulk_issue_run(job_id=job.pk)
        assert BulkIssueJob.objects.get(pk=job.pk).status == "done"
        issued = list(Certificate.objects.filter(course=world.course).order_by("id"))
        assert len(issued) == 4
        assert all(c.credential and c.status_list_index is not None for c in issued)
        assert len({c.status_list_index for c in issued}) == 4
        for certificate in issued:
            assert credentials.credential_verify(certificate.credential).valid
        old = world.certificate
        new = services.certificate_reissue(certificate=old, actor=world.instructor, reason="Name corrected")
        old.refresh_from_db()
        assert new.credential and new.status_list_index not in {c.status_list_index for c in issued}
        assert credentials.status_is_revoked(old.status_list_index) and not credentials.status_is_revoked(
            new.status_list_index)
        assert credentials.credential_verify(old.credential).revoked is True
        assert credentials.credential_verify(new.credential).valid


def test_a_certificate_issued_before_credentials_gets_one_on_first_download(site_a, world):
    """Rows issued before the wiring (credential NULL) are sealed once, on their first download."""
    from django.db import connection

    with site_a:
        legacy = Certificate.objects.create(
            number=services.number_make(), issued_at=world.certificate.issued_at, learner=world.learner,
            subject_kind="course", course=world.course, version_number=1, rules={}, rules_digest="legacy",
            learner_name="Lea Lovelace", subject_title="Old Course", institution_name="Acme Academy",
            grade_band="Pass", breakdown=[], source="staff")
        connection.set_schema_to_public()
    response = site_a.client(world.learner).get(f"/certificates/{legacy.number}/credential.json")
    assert response.status_code == 200 and json.loads(response.content)["proof"]
    again = site_a.client(world.learner).get(f"/certificates/{legacy.number}/credential.json")
    assert again.content == response.content
