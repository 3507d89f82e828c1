"""End to end through pages: the instructor sets an assignment up, a learner hands in work,
a TA grades it as a draft, posts it, and the learner sees the grade (page, API, dashboard)."""
from html import unescape

import pytest

from lms.assignments import dashboard
from lms.assignments.models import Submission
from lms.courses import services as course_services

from .conftest import make_world
from .helpers import pdf_upload

pytestmark = pytest.mark.django_db


def test_assignment_journey(site_a):
    w = make_world(site_a)
    instructor, ta, learner = (site_a.client(u) for u in (w.instructor, w.ta, w.learner))
    editor = f"/studio/courses/{w.slug}/assignments/{w.assignment.uuid}/"
    response = instructor.post(editor, {
        "title": "Field report", "instructions": "Describe the **river**.", "points": "10", "due_at": "",
        "penalty_percent_per_day": "0", "max_late_days": "", "submission_types": ["file", "text"],
        "allowed_file_types": ["pdf"], "max_file_mb": "5", "max_submissions": "2", "grade_posting": "manual",
        "category": "", "rubric_text": "Observation: Sharp=6, Vague=3\nWriting: Clear=4, Muddled=2",
    })
    assert response.status_code == 302
    with site_a:
        course_services.course_publish(course=w.course, author=w.instructor)
        course_services.enrollment_move_to_version(enrollment=w.course.enrollments.get(learner=w.learner))

    page = f"/learn/{w.slug}/assignment/{w.assignment.uuid}/"
    assert "<strong>river</strong>" in learner.get(page).content.decode()
    assert learner.post(page + "submit", {"text": "The river was high.", "file": pdf_upload()}).status_code == 302
    with site_a:
        submission = Submission.objects.get()

    next_url = ta.get(f"/studio/courses/{w.slug}/grading/next")["Location"]
    assert next_url == f"/studio/courses/{w.slug}/grading/{submission.uuid}/"
    assert "The river was high." in unescape(ta.get(next_url).content.decode())
    assert ta.post(next_url, {"criterion_0": "0", "criterion_1": "1", "feedback": "Vivid.", "action": "draft"}).status_code == 302
    assert "Vivid." not in learner.get(page).content.decode()
    assert learner.get(f"/api/v1/me/submissions/{submission.uuid}").json()["grade"] is None

    assert ta.post(f"/studio/courses/{w.slug}/assignments/{w.assignment.uuid}/post-grades").status_code == 302
    body = unescape(learner.get(page).content.decode())
    assert "8 / 10" in body and "Vivid." in body and "Observation: Sharp (6)" in body
    assert learner.get(f"/api/v1/me/submissions/{submission.uuid}").json()["grade"]["final_points"] == "8.00"
    with site_a:
        assert dashboard.recent_grades(w.learner)[0]["grade"] == "8 / 10"
    gradebook = unescape(ta.get(f"/studio/courses/{w.slug}/gradebook/").content.decode())
    assert "Field report" in gradebook and "80.00 %" in gradebook
