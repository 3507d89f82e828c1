"""Assignment pages: the learner's page and submissions, files, the staff's grading, editor,
categories; who may use each; nothing crosses institutions."""
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.assignments import services
from lms.assignments.models import Assignment, Grade, GradeCategory, GradeChange, Submission
from lms.courses import services as course_services
from lms.courses.models import ItemProgress

from .conftest import make_world
from .helpers import PDF_BYTES, pdf_upload, text_disguised_as_pdf

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def page(w) -> str:
    return f"/learn/{w.slug}/assignment/{w.assignment.uuid}/"


def submit_url(w) -> str:
    return page(w) + "submit"


def studio(w, rest: str = "") -> str:
    return f"/studio/courses/{w.slug}/{rest}"


def _submit(w, learner=None, **kwargs):
    with w.site:
        return services.submission_create(learner=learner or w.learner, course=w.course,
                                          assignment_uuid=w.assignment.uuid, **({"text": "My answer"} | kwargs))


# --- the learner's page --------------------------------------------------------------------


def test_learner_page_shows_the_pinned_version(site_a):
    w = make_world(site_a, due_at=timezone.now() + timedelta(days=3), accept_late=True,
                   penalty_percent_per_day=Decimal("10"), max_late_days=2)
    with site_a:
        services.assignment_update(assignment=Assignment.objects.get(pk=w.assignment.pk), instructions="Brand new v2 text")
        course_services.course_publish(course=w.course, author=w.instructor)
        course_services.course_update(course=w.course, title="Unpublished draft title")
    response = site_a.client(w.learner).get(page(w))
    body = text(response)
    assert response.status_code == 200
    assert "<strong>500 words</strong>" in body and "Brand new v2 text" not in body
    assert "Writing 101" in body and "Unpublished draft title" not in body
    assert "up to 2 days late" in body and "minus 10 % of the points per day late" in body
    assert 'enctype="multipart/form-data"' in body and 'name="csrfmiddlewaretoken"' in body


def test_learner_page_is_for_enrolled_learners_only(world):
    assert world.site.client(world.outsider).get(page(world)).status_code == 404
    assert world.site.client(world.instructor).get(page(world)).status_code == 404  # staff are not enrolled
    anonymous = world.site.client().get(page(world))
    assert anonymous.status_code == 302 and "/accounts/login" in anonymous["Location"]
    learner = world.site.client(world.learner)
    assert learner.get(f"/learn/{world.slug}/assignment/{world.course.uuid}/").status_code == 404
    assert learner.get(f"/learn/no-such-course/assignment/{world.assignment.uuid}/").status_code == 404


def test_submit_text_then_see_it_and_the_item_is_complete(world):
    client = world.site.client(world.learner)
    response = client.post(submit_url(world), {"text": "Here is my essay.", "url": "https://example.org/essay"})
    assert response.status_code == 302 and response["Location"] == page(world)
    body = text(client.get(page(world)))
    assert "Submission 1 received." in body and "Here is my essay." in body and "Not graded yet" in body
    with world.site:
        assert ItemProgress.objects.get(enrollment__learner=world.learner, item_uuid=world.item.uuid).completed_at


def test_submit_is_post_only_with_csrf(world):
    assert world.site.client(world.learner).get(submit_url(world)).status_code == 405
    from django.test import Client

    strict = Client(HTTP_HOST=world.site.host, enforce_csrf_checks=True)
    with world.site:
        strict.force_login(world.learner, backend="tenant_apps.accounts.backends.EmailBackend")
    assert strict.post(submit_url(world), {"text": "x"}).status_code == 403
    with world.site:
        assert not Submission.objects.exists()


def test_file_type_is_checked_on_content_not_name(world):
    client = world.site.client(world.learner)
    with world.site:
        Assignment.objects.filter(pk=world.assignment.pk).update(allowed_file_types=["pdf"])
    # the learner's version still says pdf + txt; make the version say pdf only
    with world.site:
        course_services.course_publish(course=world.course, author=world.instructor)
        course_services.enrollment_move_to_version(enrollment=world.course.enrollments.get(learner=world.learner))
    response = client.post(submit_url(world), {"file": text_disguised_as_pdf()})
    assert response.status_code == 400
    assert "This file is a Plain text" in text(response)
    response = client.post(submit_url(world), {"file": pdf_upload()})
    assert response.status_code == 302
    with world.site:
        submission = Submission.objects.get()
        assert submission.file_type == "pdf" and submission.file.read() == PDF_BYTES


def test_size_limit_answers_413_with_a_message(site_a):
    w = make_world(site_a, max_file_mb=1, allowed_file_types=["pdf"])
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10), content_type="application/pdf")
    response = site_a.client(w.learner).post(submit_url(w), {"file": big})
    assert response.status_code == 413 and "the limit is 1 MB" in text(response)
    with site_a:
        assert not Submission.objects.exists()


def test_max_submissions_and_late_refusals_answer_409(site_a):
    w = make_world(site_a, max_submissions=1)
    client = site_a.client(w.learner)
    assert client.post(submit_url(w), {"text": "one"}).status_code == 302
    response = client.post(submit_url(w), {"text": "two"})
    assert response.status_code == 409 and "You have used all 1 submission(s) allowed." in text(response)
    assert "Hand in your work" in text(client.get(page(w)))  # the form is replaced by the reason
    assert 'action="' + submit_url(w) not in text(client.get(page(w)))

    late = make_world(site_a, due_at=timezone.now() - timedelta(minutes=5), accept_late=False)
    response = site_a.client(late.learner).post(submit_url(late), {"text": "late"})
    assert response.status_code == 409 and "does not accept late work" in text(response)


def test_learner_sees_posted_grades_only(world):
    submission = _submit(world)
    with world.site:
        services.grade_save(submission=submission, grader=world.ta, points="7", feedback="DRAFT-FEEDBACK-XYZ")
    client = world.site.client(world.learner)
    body = text(client.get(page(world)))
    assert "DRAFT-FEEDBACK-XYZ" not in body and "7 / 10" not in body and "Not graded yet" in body
    with world.site:
        services.grades_post(assignment=world.assignment, actor=world.ta)
    body = text(client.get(page(world)))
    assert "DRAFT-FEEDBACK-XYZ" in body and "7 / 10" in body


# --- files ---------------------------------------------------------------------------------


def test_file_served_to_its_learner_and_the_course_staff_only(world, site_a):
    submission = _submit(world, text="", upload=pdf_upload())
    url = f"/learn/{world.slug}/submissions/{submission.uuid}/file"
    for user in (world.learner, world.instructor, world.ta):
        response = site_a.client(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"
    other_instructor = site_a.make_user(role="instructor")  # staff of the institution, not of this course
    for user in (world.other, world.outsider, other_instructor):
        assert site_a.client(user).get(url).status_code == 404
    assert site_a.client().get(url).status_code == 302
    assert site_a.client(world.learner).get(f"/learn/other-slug/submissions/{submission.uuid}/file").status_code == 404


# --- staff: who may do what ----------------------------------------------------------------


def test_staff_pages_by_role(world, site_a, admin_a):
    submission = _submit(world)
    grading = [studio(world, "grading/"), studio(world, f"grading/{submission.uuid}/"), studio(world, "gradebook/"),
               studio(world, "gradebook.csv")]
    editing = [studio(world, f"assignments/{world.assignment.uuid}/"), studio(world, "grade-categories/")]
    for user in (world.instructor, admin_a):
        client = site_a.client(user)
        for url in grading + editing:
            assert client.get(url).status_code == 200, (user, url)
    ta = site_a.client(world.ta)
    for url in grading:
        assert ta.get(url).status_code == 200, url
    for url in editing:
        assert ta.get(url).status_code == 403, url
    for user in (world.learner, site_a.make_user(role="instructor")):
        client = site_a.client(user)
        for url in grading + editing:
            assert client.get(url).status_code == 404, (user, url)
    for url in grading + editing:
        assert site_a.client().get(url).status_code == 302


def test_grading_queue_and_next_ungraded(world):
    first = _submit(world)
    second = _submit(world, learner=world.other)
    client = world.site.client(world.ta)
    body = text(client.get(studio(world, "grading/")))
    assert world.learner.email in body and world.other.email in body and "Next ungraded" in body
    assert client.get(studio(world, "grading/next"))["Location"] == studio(world, f"grading/{first.uuid}/")
    with world.site:
        services.grade_save(submission=first, grader=world.ta, points="5")
    assert client.get(studio(world, "grading/next"))["Location"] == studio(world, f"grading/{second.uuid}/")
    with world.site:
        services.grade_save(submission=second, grader=world.ta, points="5")
    response = client.get(studio(world, "grading/next"), follow=True)
    assert "Nothing left to grade." in text(response)


def test_ta_grades_with_the_rubric_as_draft_then_posts(site_a):
    rubric = [{"criterion": "Thesis", "levels": [{"label": "Clear", "points": 4}, {"label": "Vague", "points": 2}]},
              {"criterion": "Evidence", "levels": [{"label": "Strong", "points": 6}, {"label": "Weak", "points": 3}]}]
    w = make_world(site_a, rubric=rubric, points=10, grade_posting="manual",
                   due_at=timezone.now() + timedelta(days=1), accept_late=True, penalty_percent_per_day=Decimal("10"))
    with site_a:
        submission = services.submission_create(learner=w.learner, course=w.course, assignment_uuid=w.assignment.uuid,
                                                text="work", now=timezone.now() + timedelta(days=1, hours=2))
    client = site_a.client(w.ta)
    url = studio(w, f"grading/{submission.uuid}/")
    body = text(client.get(url))
    assert "1 day late" in body and "Thesis" in body and "Clear (4)" in body and "up to 1 points deducted" in body
    response = client.post(url, {"criterion_0": "1", "criterion_1": "0", "feedback": "Good evidence", "action": "draft"})
    assert response.status_code == 302
    with site_a:
        grade = Grade.objects.get(submission=submission)
        # 2 + 6 = 8, minus 10 % of 10 points for 1 day = 7
        assert (grade.points_awarded, grade.late_penalty, grade.final_points, grade.status) == (
            Decimal("8.00"), Decimal("1.00"), Decimal("7.00"), "draft")
    assert "Good evidence" not in text(site_a.client(w.learner).get(page(w)))
    assert client.post(url, {"criterion_0": "1", "criterion_1": "0", "feedback": "Good evidence", "action": "post"}).status_code == 302
    assert "Good evidence" in text(site_a.client(w.learner).get(page(w)))
    # a change of the posted grade is recorded, with its reason and who made it
    client.post(url, {"criterion_0": "0", "criterion_1": "0", "feedback": "Good evidence", "reason": "Re-read", "action": "post"})
    with site_a:
        change = GradeChange.objects.filter(grade__submission=submission).order_by("-id").first()
        assert (change.old_final_points, change.new_final_points, change.reason, change.changed_by) == (
            Decimal("7.00"), Decimal("9.00"), "Re-read", w.ta)
    assert "Re-read" in text(client.get(url))


def test_grade_form_errors_answer_400(world):
    submission = _submit(world)
    client = world.site.client(world.ta)
    response = client.post(studio(world, f"grading/{submission.uuid}/"), {"points": "11", "action": "post"})
    assert response.status_code == 400 and "less than or equal to 10" in text(response)
    response = client.post(studio(world, f"grading/{submission.uuid}/"), {"points": "", "action": "post"})
    assert response.status_code == 400 and "Enter the points." in text(response)
    with world.site:
        assert not Grade.objects.exists()


def test_learner_cannot_grade_or_post(world):
    submission = _submit(world)
    learner = world.site.client(world.learner)
    assert learner.post(studio(world, f"grading/{submission.uuid}/"), {"points": "10", "action": "post"}).status_code == 404
    assert learner.post(studio(world, f"assignments/{world.assignment.uuid}/post-grades")).status_code == 404
    with world.site:
        assert not Grade.objects.exists()


def test_post_all_grades_button(world):
    first, second = _submit(world), _submit(world, learner=world.other)
    with world.site:
        services.grade_save(submission=first, grader=world.ta, points="4")
        services.grade_save(submission=second, grader=world.ta, points="6")
    client = world.site.client(world.ta)
    assert "Post all grades (2)" in text(client.get(studio(world, "grading/")))
    response = client.post(studio(world, f"assignments/{world.assignment.uuid}/post-grades"), follow=True)
    assert "2 grade(s) of “Essay” posted." in text(response)
    with world.site:
        assert set(Grade.objects.values_list("status", flat=True)) == {"posted"}


# --- staff: editor and categories ----------------------------------------------------------


def _editor_data(**overrides):
    data = {
        "title": "Essay on rivers", "instructions": "Write about rivers.", "points": "20", "due_at": "2031-05-01T17:00",
        "accept_late": "on", "penalty_percent_per_day": "5", "max_late_days": "3", "submission_types": ["file", "text"],
        "allowed_file_types": ["pdf", "docx"], "max_file_mb": "5", "max_submissions": "2", "grade_posting": "automatic",
        "category": "", "rubric_text": "Thesis: Clear=8, Vague=4\nSources: Many=12, Few=6, None=0",
    }
    return data | overrides


def test_editor_saves_rubric_and_category(world):
    with world.site:
        category = services.category_create(course=world.course, name="Essays", weight_percent=Decimal("50"))
    client = world.site.client(world.instructor)
    url = studio(world, f"assignments/{world.assignment.uuid}/")
    response = client.post(url, _editor_data(category=str(category.uuid)))
    assert response.status_code == 302, text(response)
    with world.site:
        a = Assignment.objects.get(pk=world.assignment.pk)
        assert (a.title, a.points, a.max_late_days, a.grade_posting, a.category_id) == ("Essay on rivers", 20, 3, "automatic", category.pk)
        assert a.submission_types == ["file", "text"] and a.allowed_file_types == ["pdf", "docx"]
        assert a.rubric == [{"criterion": "Thesis", "levels": [{"label": "Clear", "points": 8}, {"label": "Vague", "points": 4}]},
                            {"criterion": "Sources", "levels": [{"label": "Many", "points": 12}, {"label": "Few", "points": 6},
                                                                {"label": "None", "points": 0}]}]
        assert a.due_at.isoformat() == "2031-05-01T17:00:00+00:00"
    body = text(client.get(url))
    assert 'name="rubric_0_name" value="Thesis"' in body and 'name="rubric_1_2_label" value="None"' in body
    assert "Thesis: Clear=8" not in body  # a table, not the old syntax


def test_rubric_builder_table_of_criteria_and_levels(world):
    client = world.site.client(world.instructor)
    url = studio(world, f"assignments/{world.assignment.uuid}/")
    grid = {k: v for k, v in _editor_data().items() if k != "rubric_text"} | {
        "rubric_rows": "3", "rubric_levels": "2",
        "rubric_0_name": "Thesis", "rubric_0_0_label": "Clear", "rubric_0_0_points": "8",
        "rubric_0_1_label": "Vague", "rubric_0_1_points": "4",
        "rubric_1_name": "Sources", "rubric_1_0_label": "Many", "rubric_1_0_points": "12",
        "rubric_2_name": "", "rubric_2_0_label": "", "rubric_2_0_points": "",
    }
    more = client.post(url, grid | {"add_criterion": "1"})
    assert more.status_code == 200 and 'name="rubric_3_name"' in text(more)  # one more row, nothing saved yet
    wider = client.post(url, grid | {"add_level": "1"})
    assert 'name="rubric_0_2_label"' in text(wider)
    missing_points = client.post(url, grid | {"rubric_1_1_label": "Few"})
    assert missing_points.status_code == 400 and "Give this level its points." in text(missing_points)
    assert client.post(url, grid).status_code == 302
    with world.site:
        assert Assignment.objects.get(pk=world.assignment.pk).rubric == [
            {"criterion": "Thesis", "levels": [{"label": "Clear", "points": 8}, {"label": "Vague", "points": 4}]},
            {"criterion": "Sources", "levels": [{"label": "Many", "points": 12}]}]
    removed = grid | {"rubric_1_name": "", "rubric_1_0_label": "", "rubric_1_0_points": ""}
    assert client.post(url, removed).status_code == 302
    with world.site:
        assert [c["criterion"] for c in Assignment.objects.get(pk=world.assignment.pk).rubric] == ["Thesis"]


def test_editor_refuses_bad_input_and_shows_publish_problems(world):
    client = world.site.client(world.instructor)
    url = studio(world, f"assignments/{world.assignment.uuid}/")
    response = client.post(url, _editor_data(rubric_text="Thesis Clear 8"))
    assert response.status_code == 400 and "Line 1" in text(response)
    response = client.post(url, _editor_data(rubric_text="Thesis: Clear=lots"))
    assert response.status_code == 400 and "whole number" in text(response)
    response = client.post(url, _editor_data(points="-1"))
    assert response.status_code == 400
    with world.site:
        assert Assignment.objects.get(pk=world.assignment.pk).title == "Essay"
    response = client.post(url, _editor_data(points="10", rubric_text="Thesis: Clear=8\nSources: Many=12"))
    assert response.status_code == 302
    assert "more than the assignment's 10" in text(client.get(url))


def test_editor_for_another_courses_assignment_is_404(world, site_a):
    other = make_world(site_a)
    client = site_a.client(world.instructor)
    assert client.get(studio(world, f"assignments/{other.assignment.uuid}/")).status_code == 404
    assert client.get(studio(other, f"assignments/{other.assignment.uuid}/")).status_code == 404


def test_categories_page(world):
    client = world.site.client(world.instructor)
    url = studio(world, "grade-categories/")
    assert client.post(url, {"name": "Homework", "weight_percent": "60"}).status_code == 302
    response = client.post(url, {"name": "Exams", "weight_percent": "50"})
    assert response.status_code == 400 and "at most 100" in text(response)
    with world.site:
        homework = GradeCategory.objects.get(course=world.course)
    assert client.post(studio(world, f"grade-categories/{homework.uuid}/"), {"name": "Homework", "weight_percent": "40"}).status_code == 302
    assert client.post(url, {"name": "Exams", "weight_percent": "60"}).status_code == 302
    body = text(client.get(url))
    assert "100 %" in body and "Homework" in body and "Exams" in body
    assert client.post(studio(world, f"grade-categories/{homework.uuid}/delete")).status_code == 302
    ta = world.site.client(world.ta)
    assert ta.post(url, {"name": "Sneaky", "weight_percent": "1"}).status_code == 403
    with world.site:
        assert list(GradeCategory.objects.values_list("name", flat=True)) == ["Exams"]


# --- other institutions --------------------------------------------------------------------


def test_foreign_institution_gets_nothing(site_a, site_b, admin_a, admin_b):
    a = make_world(site_a)
    b = make_world(site_b, title="Globex writing")
    submission_b = _submit(b, text="", upload=pdf_upload())
    # A's administrator on A's host, with B's course slug and B's object ids
    client = site_a.client(admin_a)
    for url in (f"/learn/{b.slug}/assignment/{b.assignment.uuid}/", f"/learn/{a.slug}/submissions/{submission_b.uuid}/file",
                studio(b, "grading/"), studio(a, f"grading/{submission_b.uuid}/"), studio(a, f"assignments/{b.assignment.uuid}/"),
                studio(b, "gradebook/")):
        assert client.get(url).status_code == 404, url
    assert client.post(studio(a, f"grading/{submission_b.uuid}/"), {"points": "1", "action": "post"}).status_code == 404
    # B's session on A's host is no session at all
    b_client = site_b.client(admin_b)
    b_client.get("/")
    foreign = site_a.client()
    foreign.cookies["sessionid"] = b_client.cookies["sessionid"].value
    assert foreign.get(studio(a, "grading/")).status_code == 302
    with site_b:
        assert not Grade.objects.exists()
