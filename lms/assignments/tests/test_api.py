"""Assignments API: learners' own assignments and submissions (posted grades only), staff
assignments, grading, posting, categories and gradebook; roles; other institutions."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from lms.assignments import services
from lms.assignments.models import Assignment, Grade, GradeCategory, GradeChange, Submission

from .conftest import make_world
from .helpers import pdf_upload, text_disguised_as_pdf

pytestmark = pytest.mark.django_db


def token_client(site, user) -> Client:
    response = Client(HTTP_HOST=site.host).post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD},
                                                content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(HTTP_HOST=site.host, HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")


def _submit(w, learner=None, **kwargs):
    with w.site:
        return services.submission_create(learner=learner or w.learner, course=w.course,
                                          assignment_uuid=w.assignment.uuid, **({"text": "My answer"} | kwargs))


def me(w) -> str:
    return f"/api/v1/me/assignments/{w.assignment.uuid}"


def staff(w, rest="") -> str:
    return f"/api/v1/studio/courses/{w.slug}/{rest}"


# --- learners ------------------------------------------------------------------------------


def test_learner_reads_their_assignment_from_their_version(site_a):
    w = make_world(site_a, due_at=timezone.now() + timedelta(days=2), accept_late=True,
                   penalty_percent_per_day=Decimal("12.5"), rubric=[{"criterion": "Style", "levels": [{"label": "Good", "points": 5}]}])
    with site_a:
        services.assignment_update(assignment=Assignment.objects.get(pk=w.assignment.pk), instructions="DRAFT ONLY")
    response = token_client(site_a, w.learner).get(me(w))
    assert response.status_code == 200
    body = response.json()
    assert body["uuid"] == str(w.assignment.uuid) and body["course"] == {"slug": w.slug, "title": w.course.title}
    assert body["instructions"] == "Write **500 words**." and "<strong>500 words</strong>" in body["instructions_html"]
    assert body["penalty_percent_per_day"] == "12.50" and body["points"] == 10 and body["can_submit"] is True
    assert body["rubric"] == [{"criterion": "Style", "levels": [{"label": "Good", "points": 5}]}]
    assert body["submissions"] == [] and "DRAFT ONLY" not in response.content.decode()


def test_learner_api_access(world, site_a):
    assert token_client(site_a, world.outsider).get(me(world)).status_code == 404
    assert token_client(site_a, world.instructor).get(me(world)).status_code == 404
    assert Client(HTTP_HOST=site_a.host).get(me(world)).status_code in (401, 403)
    assert site_a.client(world.learner).get(me(world)).status_code == 200  # session auth too


def test_submit_multipart_and_refusals(site_a):
    w = make_world(site_a, max_submissions=2, max_file_mb=1, allowed_file_types=["pdf"])
    client = token_client(site_a, w.learner)
    url = me(w) + "/submissions"
    response = client.post(url, {"file": text_disguised_as_pdf()})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "Plain text" in response.json()["message"] + str(response.json()["errors"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = client.post(url, {"file": big})
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    response = client.post(url, {"file": pdf_upload(), "text": "see attached"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["attempt"] == 1 and body["grade"] is None and body["file"]["type"] == "pdf"
    assert body["file"]["url"] == f"http://{site_a.host}/api/v1/submissions/{body['uuid']}/file"
    response = client.get(body["file"]["url"])
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    assert token_client(site_a, w.ta).get(body["file"]["url"]).status_code == 200
    assert token_client(site_a, w.other).get(body["file"]["url"]).status_code == 404
    assert Client(HTTP_HOST=site_a.host).get(body["file"]["url"]).status_code in (401, 403)
    assert client.post(url, {"text": "second"}).status_code == 201
    response = client.post(url, {"text": "third"})
    assert response.status_code == 409 and response.json()["code"] == "max_submissions"
    response = client.post(url, {"text": "x"}, content_type="application/json")
    assert response.status_code == 415
    with site_a:
        assert Submission.objects.count() == 2


def test_late_submission_refused_409(site_a):
    w = make_world(site_a, due_at=timezone.now() - timedelta(days=1), accept_late=False)
    response = token_client(site_a, w.learner).post(me(w) + "/submissions", {"text": "late"})
    assert response.status_code == 409 and response.json()["code"] == "late_refused"


def test_learner_sees_no_draft_grade_through_the_api(world, site_a):
    submission = _submit(world)
    with site_a:
        services.grade_save(submission=submission, grader=world.ta, points="6.5", feedback="SECRET-DRAFT-NOTE")
    client = token_client(site_a, world.learner)
    for url in (f"/api/v1/me/submissions/{submission.uuid}", me(world)):
        response = client.get(url)
        assert response.status_code == 200 and "SECRET-DRAFT-NOTE" not in response.content.decode() and "6.50" not in response.content.decode()
    assert client.get(f"/api/v1/me/submissions/{submission.uuid}").json()["grade"] is None
    with site_a:
        services.grades_post(assignment=world.assignment, actor=world.instructor)
    grade = client.get(f"/api/v1/me/submissions/{submission.uuid}").json()["grade"]
    assert grade["final_points"] == "6.50" and grade["feedback"] == "SECRET-DRAFT-NOTE" and grade["max_points"] == 10
    assert client.get(me(world)).json()["submissions"][0]["grade"]["final_points"] == "6.50"
    # another learner cannot read it
    assert token_client(site_a, world.other).get(f"/api/v1/me/submissions/{submission.uuid}").status_code == 404


# --- staff ---------------------------------------------------------------------------------


def test_assignment_crud_by_role(world, site_a):
    instructor, ta, learner = (token_client(site_a, u) for u in (world.instructor, world.ta, world.learner))
    with site_a:
        category = services.category_create(course=world.course, name="Projects", weight_percent=Decimal("30"))
    payload = {"title": "Lab report", "instructions": "Measure things.", "points": 25, "submission_types": ["file"],
               "allowed_file_types": ["pdf", "docx"], "grade_posting": "automatic", "category": str(category.uuid),
               "rubric": [{"criterion": "Method", "levels": [{"label": "Sound", "points": 10}, {"label": "Weak", "points": 5}]}]}
    response = instructor.post(staff(world, "assignments"), payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["category"] == str(category.uuid) and created["publish_problems"] == []
    assert created["editor_url"] == f"/studio/courses/{world.slug}/assignments/{created['uuid']}/"
    assert ta.post(staff(world, "assignments"), payload, content_type="application/json").status_code == 403
    assert learner.post(staff(world, "assignments"), payload, content_type="application/json").status_code == 404
    assert len(ta.get(staff(world, "assignments")).json()) == 2
    assert learner.get(staff(world, "assignments")).status_code == 404

    one = staff(world, f"assignments/{created['uuid']}")
    response = instructor.patch(one, {"points": 30, "category": None}, content_type="application/json")
    assert response.status_code == 200 and response.json()["points"] == 30 and response.json()["category"] is None
    response = instructor.patch(one, {"submission_types": ["fax"]}, content_type="application/json")
    assert response.status_code == 400 and "submission_types" in response.json()["errors"]
    response = instructor.patch(one, {"category": str(world.course.uuid)}, content_type="application/json")
    assert response.status_code == 400 and "category" in response.json()["errors"]
    assert ta.patch(one, {"points": 1}, content_type="application/json").status_code == 403
    assert ta.delete(one).status_code == 403
    assert instructor.delete(one).status_code == 204
    _submit(world)
    response = instructor.delete(staff(world, f"assignments/{world.assignment.uuid}"))
    assert response.status_code == 409 and response.json()["code"] == "has_submissions"


def test_grading_through_the_api(world, site_a):
    submission = _submit(world)
    ta, learner = token_client(site_a, world.ta), token_client(site_a, world.learner)
    queue = ta.get(staff(world, "grading-queue"))
    assert queue.status_code == 200 and [r["uuid"] for r in queue.json()["results"]] == [str(submission.uuid)]
    assert queue.json()["results"][0]["learner"]["email"] == world.learner.email
    assert ta.get(staff(world, f"grading-queue?assignment={world.course.uuid}")).json()["results"] == []
    assert learner.get(staff(world, "grading-queue")).status_code == 404

    grade_url = f"/api/v1/studio/submissions/{submission.uuid}/grade"
    assert learner.put(grade_url, {"points": "10"}, content_type="application/json").status_code == 404
    response = ta.put(grade_url, {"points": "12"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]["points"]
    response = ta.put(grade_url, {"points": "8", "feedback": "Nice"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["grade"]["status"] == "draft"
    posted = ta.post(staff(world, f"assignments/{world.assignment.uuid}/post-grades"))
    assert posted.status_code == 200 and posted.json() == {"posted": 1}
    response = ta.put(grade_url, {"points": "9", "feedback": "Nice", "post": True, "reason": "Recount"},
                      content_type="application/json")
    grade = response.json()["grade"]
    assert grade["final_points"] == "9.00" and grade["status"] == "posted"
    assert [(h["old_final_points"], h["new_final_points"], h["changed_by"], h["reason"]) for h in grade["history"]] == [
        ("8.00", "8.00", world.ta.email, "Posted all grades"), ("8.00", "9.00", world.ta.email, "Recount")]
    detail = ta.get(f"/api/v1/studio/submissions/{submission.uuid}")
    assert detail.status_code == 200 and detail.json()["learner"]["id"] == str(world.learner.profile.public_id)
    assert learner.get(f"/api/v1/studio/submissions/{submission.uuid}").status_code == 404
    assert ta.get(staff(world, "grading-queue")).json()["results"] == []


def test_categories_and_gradebook_api(world, site_a):
    instructor, ta = token_client(site_a, world.instructor), token_client(site_a, world.ta)
    response = instructor.post(staff(world, "grade-categories"), {"name": "Essays", "weight_percent": "60"},
                               content_type="application/json")
    assert response.status_code == 201
    cat = response.json()["uuid"]
    response = instructor.post(staff(world, "grade-categories"), {"name": "More", "weight_percent": "41"},
                               content_type="application/json")
    assert response.status_code == 400 and "weight_percent" in response.json()["errors"]
    assert ta.post(staff(world, "grade-categories"), {"name": "X", "weight_percent": "1"}, content_type="application/json").status_code == 403
    assert instructor.patch(staff(world, f"grade-categories/{cat}"), {"weight_percent": "50"}, content_type="application/json").json()["weight_percent"] == "50.00"
    submission = _submit(world)
    with site_a:
        services.assignment_update(assignment=Assignment.objects.get(pk=world.assignment.pk),
                                   category=GradeCategory.objects.get(uuid=cat))
        services.grade_save(submission=submission, grader=world.ta, points="7", post=True)
    book = ta.get(staff(world, "gradebook"))
    assert book.status_code == 200
    data = book.json()
    assert [c["title"] for c in data["columns"]] == ["Essay"] and data["columns"][0]["category"] == cat
    row = next(r for r in data["rows"] if r["learner"]["email"] == world.learner.email)
    assert row["cells"][0]["points"] == "7.00" and row["total"] == "70.00"
    assert token_client(site_a, world.learner).get(staff(world, "gradebook")).status_code == 404
    assert instructor.delete(staff(world, f"grade-categories/{cat}")).status_code == 204


# --- other institutions --------------------------------------------------------------------


def test_foreign_tokens_and_ids_get_nothing(site_a, site_b, admin_a, admin_b):
    a = make_world(site_a)
    b = make_world(site_b, title="Globex writing")
    submission_b = _submit(b)
    # B's token on A's host
    b_token = token_client(site_b, admin_b).defaults["HTTP_AUTHORIZATION"]
    foreign = Client(HTTP_HOST=site_a.host, HTTP_AUTHORIZATION=b_token)
    assert foreign.get(staff(a, "gradebook")).status_code == 401
    assert foreign.put(f"/api/v1/studio/submissions/{submission_b.uuid}/grade", {"points": "1"},
                       content_type="application/json").status_code == 401
    # A's admin with B's ids and B's course slug
    admin = token_client(site_a, admin_a)
    for url in (f"/api/v1/me/assignments/{b.assignment.uuid}", f"/api/v1/me/submissions/{submission_b.uuid}",
                f"/api/v1/studio/submissions/{submission_b.uuid}", staff(b, "gradebook"), staff(b, "assignments"),
                staff(a, f"assignments/{b.assignment.uuid}")):
        assert admin.get(url).status_code == 404, url
    assert admin.put(f"/api/v1/studio/submissions/{submission_b.uuid}/grade", {"points": "1", "post": True},
                     content_type="application/json").status_code == 404
    assert admin.post(staff(a, f"assignments/{b.assignment.uuid}/post-grades")).status_code == 404
    with site_b:
        assert not Grade.objects.exists() and not GradeChange.objects.exists()


def test_schema_documents_the_assignment_endpoints(site_a):
    paths = site_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ("/api/v1/me/assignments/{assignment_uuid}", "/api/v1/me/assignments/{assignment_uuid}/submissions",
                 "/api/v1/me/submissions/{submission_uuid}", "/api/v1/submissions/{submission_uuid}/file",
                 "/api/v1/studio/courses/{slug}/assignments",
                 "/api/v1/studio/courses/{slug}/assignments/{assignment_uuid}", "/api/v1/studio/courses/{slug}/grading-queue",
                 "/api/v1/studio/submissions/{submission_uuid}/grade", "/api/v1/studio/courses/{slug}/gradebook",
                 "/api/v1/studio/courses/{slug}/assignments/{assignment_uuid}/post-grades"):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/me/assignments/{assignment_uuid}/submissions"]["post"]["requestBody"]["content"]
