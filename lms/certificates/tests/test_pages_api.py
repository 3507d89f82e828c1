"""Pages and API: verification (public), My certificates, staff list/issue/bulk/revoke/reissue,
the rules editors, the plan feature gate."""
from urllib.parse import parse_qs, urlparse

import pytest

from billing.models import Plan, Subscription
from lms.certificates import services
from lms.certificates.models import BulkIssueJob, Certificate

from .helpers import all_rules, build_world, complete_everything, enroll, essay_graded, fresh, quiz_graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Lea", last_name="Lovelace")
    waiting = site_a.make_user(role="learner", first_name="Wes", last_name="Waiting")
    with site_a:
        w = build_world(instructor=instructor, publish=False)
        services.course_rules_update(course=w.course, rules=all_rules(w), actor=instructor)
        from lms.courses import services as course_services

        course_services.course_publish(course=w.course, author=instructor)
        w.course.refresh_from_db()
        enrollment = enroll(w, learner)
        quiz_graded(w, learner, 0, 10)
        quiz_graded(w, learner, 1, 9)
        essay_graded(w, learner, 19)
        complete_everything(w, enrollment)
        w.waiting_enrollment = enroll(w, waiting)
        quiz_graded(w, waiting, 0, 10)
        w.certificate = services.certificate_issue_for_enrollment(enrollment=fresh(enrollment)).certificate
    w.learner, w.waiting = learner, waiting
    return w


def test_verification_page_valid_revoked_unknown_without_login(site_a, world):
    client = site_a.client()
    number = world.certificate.number
    page = client.get(f"/certificates/verify/{number}/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-status="valid"' in body
    assert "Lea Lovelace" in body and "Certified Course" in body
    assert client.get("/certificates/verify/", {"number": number.lower()})["Location"] == f"/certificates/verify/{number}/"
    assert client.get("/certificates/verify/").status_code == 200
    unknown = client.get("/certificates/verify/EC-AAAAAAAAAAAAAAAA/")
    assert unknown.status_code == 404 and 'data-status="unknown"' in unknown.content.decode()
    staff = site_a.client(world.instructor)
    response = staff.post(f"/studio/courses/{world.course.slug}/certificates/{number}/revoke", {"reason": "Plagiarism found"})
    assert response.status_code == 302
    body = client.get(f"/certificates/verify/{number}/").content.decode()
    assert 'data-status="revoked"' in body and "Plagiarism found" in body
    api = client.get(f"/api/v1/certificates/verify/{number}")
    assert api.status_code == 200 and api.json()["status"] == "revoked" and api.json()["revocation_reason"] == "Plagiarism found"
    assert client.get("/api/v1/certificates/verify/EC-NOPE").status_code == 404


def test_my_certificates_lists_links_and_what_is_missing(site_a, world):
    body = site_a.client(world.learner).get("/certificates/").content.decode()
    assert world.certificate.number in body and "Add to LinkedIn" in body
    link = next(part for part in body.split('"') if part.startswith("https://www.linkedin.com/profile/add?"))
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"] and query["name"] == ["Certified Course"]
    assert query["certId"] == [world.certificate.number]
    assert query["certUrl"][0].endswith(f"/certificates/verify/{world.certificate.number}/")
    waiting = site_a.client(world.waiting).get("/certificates/").content.decode()
    assert "No certificates yet" in waiting and "1 of 2 required quizzes passed" in waiting
    assert site_a.client().get("/certificates/").status_code == 302  # login


def test_staff_list_filters_issue_reissue_and_bulk(site_a, world, django_capture_on_commit_callbacks):
    client = site_a.client(world.instructor)
    base = f"/studio/courses/{world.course.slug}/certificates/"
    page = client.get(base)
    assert page.status_code == 200 and world.certificate.number in page.content.decode()
    assert world.certificate.number not in client.get(base, {"status": "revoked"}).content.decode()
    assert world.certificate.number not in client.get(base, {"q": "nobody"}).content.decode()
    assert world.certificate.number in client.get(base, {"q": "lovelace", "from": "2000-01-01"}).content.decode()
    # a learner who is not eligible: refused, then issued by override
    refused = client.post(base + f"issue/{world.waiting_enrollment.uuid}", follow=True)
    assert "Not eligible" in refused.content.decode()
    client.post(base + f"issue/{world.waiting_enrollment.uuid}", {"override": "on"})
    with site_a:
        assert Certificate.objects.filter(learner=world.waiting, source="staff").count() == 1
    response = client.post(base + f"{world.certificate.number}/reissue", {"reason": "Typo in the name"})
    assert response.status_code == 302
    with site_a:
        new = Certificate.objects.get(replaces=world.certificate)
    assert new.number in client.get(base, {"status": "valid"}).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(base + "bulk")
    assert response.status_code == 302
    with site_a:
        job = BulkIssueJob.objects.get(course=world.course)
        services.bulk_issue_run(job_id=job.pk)  # what the worker does
    body = client.get(response["Location"]).content.decode()
    assert "Already had one (2)" in body and "Issued (0)" in body and 'aria-valuenow="100"' in body
    # learners and other staff do not see the staff pages
    assert site_a.client(world.learner).get(base).status_code == 404
    assert site_a.client(site_a.make_user(role="instructor")).get(base).status_code == 404


def test_studio_rules_page_saves_the_draft_and_reports_bad_input(site_a, world):
    client = site_a.client(world.instructor)
    url = f"/studio/courses/{world.course.slug}/certificates/rules"
    assert client.get(url).status_code == 200
    quiz = str(world.quizzes[0].uuid)
    response = client.post(url, {"enabled": "on", "min_completion_percent": "50", "required:quizzes": [quiz],
                                 f"min:{quiz}": "75", f"weight:{quiz}": "2", "grade_bands": "Gold = 85\nPass = 0"})
    assert response.status_code == 302
    with site_a:
        from lms.certificates.selectors import course_rules_draft, version_rules

        draft = course_rules_draft(course=world.course)
        assert draft["quizzes"] == [{"uuid": quiz, "min_percent": 75}] and draft["weights"] == {quiz: "2"}
        assert draft["grade_bands"] == [{"label": "Gold", "min_percent": 85}, {"label": "Pass", "min_percent": 0}]
        world.course.refresh_from_db()
        assert version_rules(world.course.published_version)["min_completion_percent"] == 100  # not published yet
    bad = client.post(url, {"enabled": "on", "min_completion_percent": "150", "grade_bands": "A = 90"})
    assert bad.status_code == 400 and "percentage" in bad.content.decode()


def test_api_rules_list_issue_bulk_revoke_reissue_me(site_a, world, django_capture_on_commit_callbacks):
    staff = site_a.client(world.instructor)
    slug = world.course.slug
    rules = staff.get(f"/api/v1/studio/courses/{slug}/certificate-rules").json()
    assert rules["published"]["enabled"] is True
    put = staff.put(f"/api/v1/studio/courses/{slug}/certificate-rules",
                    {"enabled": True, "min_completion_percent": 10, "grade_bands": [{"label": "Pass", "min_percent": 0}]},
                    content_type="application/json")
    assert put.status_code == 200 and put.json()["draft"]["min_completion_percent"] == 10
    bad = staff.put(f"/api/v1/studio/courses/{slug}/certificate-rules", {"enabled": True, "grade_bands": [
        {"label": "A", "min_percent": 90}]}, content_type="application/json")
    assert bad.status_code == 400
    listing = staff.get(f"/api/v1/courses/{slug}/certificates", {"status": "valid"})
    assert [c["number"] for c in listing.json()] == [world.certificate.number]
    assert listing.json()[0]["breakdown"][0]["title"] == "Quiz 1"
    not_eligible = staff.post(f"/api/v1/courses/{slug}/certificates", {"enrollment": str(world.waiting_enrollment.uuid)},
                              content_type="application/json")
    assert not_eligible.status_code == 409 and "1 of 2 required quizzes passed" in not_eligible.json()["unmet"]
    with django_capture_on_commit_callbacks(execute=False):
        job = staff.post(f"/api/v1/courses/{slug}/certificates/bulk")
    assert job.status_code == 202
    with site_a:
        services.bulk_issue_run(job_id=BulkIssueJob.objects.get(uuid=job.json()["id"]).pk)
    status = staff.get(f"/api/v1/courses/{slug}/certificates/bulk/{job.json()['id']}").json()
    assert status["status"] == "done" and len(status["report"]["not_eligible"]) == 1
    number = world.certificate.number
    assert staff.post(f"/api/v1/certificates/{number}/revoke", {"reason": ""}, content_type="application/json").status_code == 400
    revoked = staff.post(f"/api/v1/certificates/{number}/revoke", {"reason": "Error"}, content_type="application/json")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert staff.post(f"/api/v1/certificates/{number}/revoke", {"reason": "Again"},
                      content_type="application/json").status_code == 409
    reissued = staff.post(f"/api/v1/certificates/{number}/reissue", {}, content_type="application/json")
    assert reissued.status_code == 201 and reissued.json()["replaces"] == number
    assert staff.post(f"/api/v1/certificates/{number}/reissue", {}, content_type="application/json").status_code == 409
    mine = site_a.client(world.learner).get("/api/v1/me/certificates").json()
    assert {c["status"] for c in mine} == {"valid", "revoked"}
    # the learner cannot manage certificates, not even their own
    learner = site_a.client(world.learner)
    assert learner.post(f"/api/v1/certificates/{reissued.json()['number']}/revoke", {"reason": "x"},
                        content_type="application/json").status_code == 404
    assert learner.get(f"/api/v1/courses/{slug}/certificates").status_code == 404


def test_plan_without_the_feature_closes_pages_api_and_auto_issue(site_a, world):
    plan = Plan.objects.create(code="basic-nocert", name="Basic", price_amount=0, features={"api_access": True})
    Subscription.objects.filter(tenant=site_a.tenant).update(plan=plan)
    assert site_a.client(world.learner).get("/certificates/").status_code == 403
    response = site_a.client(world.learner).get("/api/v1/me/certificates")
    assert response.status_code == 403 and response.json()["code"] == "plan_feature_required"
    # issued certificates stay verifiable
    assert site_a.client().get(f"/certificates/verify/{world.certificate.number}/").status_code == 200
    with site_a:
        assert services.certificate_auto_issue(learner_id=world.waiting.pk, course_id=world.course.pk) == []
