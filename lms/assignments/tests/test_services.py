"""Submissions, late policy, grading, posting and history, publishing contract, categories."""
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lms.assignments import publishing, selectors, services
from lms.assignments.models import Assignment, Grade, GradeChange, Submission
from lms.courses import services as course_services
from lms.courses.models import ItemProgress

from .conftest import make_world
from .helpers import add_assignment, course_with_assignment, pdf_upload, text_disguised_as_pdf

pytestmark = pytest.mark.django_db

D = Decimal


def _republish(w, **fields):
    """Change the draft assignment and publish a new version (learners stay on theirs)."""
    services.assignment_update(assignment=Assignment.objects.get(pk=w.assignment.pk), **fields)
    return course_services.course_publish(course=w.course, author=w.instructor, change_note="change")


def _submit(w, learner=None, **kwargs):
    kwargs.setdefault("text", "My answer")
    return services.submission_create(learner=learner or w.learner, course=w.course, assignment_uuid=w.assignment.uuid,
                                      **kwargs)


# --- late policy ---------------------------------------------------------------------------


def test_late_days_count_any_part_of_a_day():
    due = timezone.now()
    assert services.late_days_for(due_at=due, submitted_at=due) == 0
    assert services.late_days_for(due_at=due, submitted_at=due - timedelta(days=3)) == 0
    assert services.late_days_for(due_at=due, submitted_at=due + timedelta(seconds=1)) == 1
    assert services.late_days_for(due_at=due, submitted_at=due + timedelta(days=1)) == 1
    assert services.late_days_for(due_at=due, submitted_at=due + timedelta(days=1, seconds=1)) == 2
    assert services.late_days_for(due_at=None, submitted_at=due) == 0


def test_late_penalty_is_percent_of_points_per_day_capped_at_points_awarded():
    assert services.late_penalty_for(points_awarded=D("8"), max_points=10, percent_per_day=D("10"), late_days=2) == D("2.00")
    assert services.late_penalty_for(points_awarded=D("8"), max_points=10, percent_per_day=D("12.5"), late_days=3) == D("3.75")
    assert services.late_penalty_for(points_awarded=D("1"), max_points=10, percent_per_day=D("50"), late_days=3) == D("1.00")
    assert services.late_penalty_for(points_awarded=D("8"), max_points=10, percent_per_day=D("10"), late_days=0) == D("0")


def test_late_work_refused_when_not_accepted(site_a):
    w = make_world(site_a, due_at=timezone.now() - timedelta(hours=1), accept_late=False)
    with site_a:
        with pytest.raises(services.SubmissionRefused, match="does not accept late work") as exc:
            _submit(w)
        assert exc.value.code == "late_refused"
        assert not Submission.objects.exists()


def test_late_work_accepted_within_max_days_with_penalty_applied_on_grading(site_a):
    due = timezone.now() - timedelta(days=10)
    w = make_world(site_a, due_at=due, accept_late=True, penalty_percent_per_day=D("10"), max_late_days=2, points=20,
                   rubric=[])
    with site_a:
        with pytest.raises(services.SubmissionRefused, match="2 day") as exc:
            _submit(w, now=due + timedelta(days=2, hours=1))  # 3 days late
        assert exc.value.code == "too_late"
        submission = _submit(w, now=due + timedelta(days=1, hours=3))  # 2 days late
        assert submission.late_days == 2
        grade = services.grade_save(submission=submission, grader=w.instructor, points="15")
        # 10 % of 20 points per day x 2 days = 4 points off
        assert (grade.points_awarded, grade.late_penalty, grade.final_points) == (D("15.00"), D("4.00"), D("11.00"))


def test_on_time_work_has_no_penalty(site_a):
    w = make_world(site_a, due_at=timezone.now() + timedelta(days=1), accept_late=True, penalty_percent_per_day=D("50"))
    with site_a:
        submission = _submit(w)
        grade = services.grade_save(submission=submission, grader=w.instructor, points="7.5")
        assert submission.late_days == 0 and grade.late_penalty == 0 and grade.final_points == D("7.50")


# --- submissions ---------------------------------------------------------------------------


def test_max_submissions_enforced(site_a):
    w = make_world(site_a, max_submissions=2)
    with site_a:
        assert [_submit(w).attempt, _submit(w).attempt] == [1, 2]
        with pytest.raises(services.SubmissionRefused, match="all 2 submission") as exc:
            _submit(w)
        assert exc.value.code == "max_submissions"
        assert _submit(w, learner=w.other).attempt == 1  # counted per learner


def test_only_the_allowed_kinds_of_work_are_taken(site_a):
    w = make_world(site_a, submission_types=["file"], allowed_file_types=["pdf"])
    with site_a:
        with pytest.raises(ValidationError) as exc:
            _submit(w, text="hello")
        assert "text" in exc.value.message_dict
        with pytest.raises(ValidationError, match="Hand in something"):
            _submit(w, text="")
        with pytest.raises(ValidationError, match="Plain text"):
            _submit(w, text="", upload=text_disguised_as_pdf())
        submission = _submit(w, text="", upload=pdf_upload())
        assert (submission.file_type, submission.file_content_type) == ("pdf", "application/pdf")
        # stored under the course and the learner, with the extension of what the file is
        assert submission.file.name.startswith(f"assignments/{w.course.uuid}/learner-{w.learner.pk}/{submission.uuid}/")
        assert submission.file.name.endswith(".pdf") and submission.file_name == "essay.pdf"


def test_bad_url_refused(site_a):
    w = make_world(site_a, submission_types=["url"])
    with site_a:
        with pytest.raises(ValidationError) as exc:
            _submit(w, text="", url="javascript:alert(1)")
        assert "url" in exc.value.message_dict
        assert _submit(w, text="", url="https://example.org/my-work").url == "https://example.org/my-work"


def test_submitting_marks_the_item_complete_and_needs_an_enrollment(site_a):
    w = make_world(site_a)
    with site_a:
        _submit(w)
        progress = ItemProgress.objects.get(enrollment__learner=w.learner, item_uuid=w.item.uuid)
        assert progress.completed_at is not None and progress.version_number == 1
        with pytest.raises(services.SubmissionRefused, match="not enrolled"):
            _submit(w, learner=w.outsider)


def test_dropped_learner_cannot_submit(site_a):
    w = make_world(site_a)
    with site_a:
        course_services.enrollment_drop(enrollment=w.course.enrollments.get(learner=w.learner))
        with pytest.raises(services.SubmissionRefused, match="dropped"):
            _submit(w)


def test_learners_work_against_their_pinned_version(site_a):
    """v1: no late work; v2 accepts it. A learner pinned to v1 keeps v1's rules and points."""
    w = make_world(site_a, due_at=timezone.now() - timedelta(hours=20), accept_late=False, points=10)
    with site_a:
        _republish(w, accept_late=True, points=50, instructions="Version two")
        with pytest.raises(services.SubmissionRefused):
            _submit(w)
        la = selectors.learner_assignment_get(learner=w.learner, course=w.course, assignment_uuid=w.assignment.uuid)
        assert la.rules.points == 10 and "500 words" in la.rules.instructions
        enrollment = w.course.enrollments.get(learner=w.other)
        course_services.enrollment_move_to_version(enrollment=enrollment)
        submission = _submit(w, learner=w.other)
        assert submission.version_number == 2 and submission.late_days == 1
        assert services.grade_save(submission=submission, grader=w.instructor, points="40").max_points == 50


def test_drafts_never_reach_learners(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course, assignment, _ = course_with_assignment(author=instructor)
        course_services.enrollment_create(course=course, learner=learner)
        services.assignment_update(assignment=assignment, instructions="SECRET DRAFT")
        la = selectors.learner_assignment_get(learner=learner, course=course, assignment_uuid=assignment.uuid)
        assert "SECRET" not in la.rules.instructions
        # an assignment only in the draft is not there at all for the learner
        draft_only, _ = add_assignment(course, course.modules.first().lessons.first(), title="Unpublished")
        assert selectors.learner_assignment_get(learner=learner, course=course, assignment_uuid=draft_only.uuid) is None


# --- grading -------------------------------------------------------------------------------

RUBRIC = [
    {"criterion": "Thesis", "levels": [{"label": "Clear", "points": 4}, {"label": "Vague", "points": 2}, {"label": "None", "points": 0}]},
    {"criterion": "Evidence", "levels": [{"label": "Strong", "points": 6}, {"label": "Weak", "points": 3}]},
]


def test_rubric_levels_sum_to_the_points_and_points_can_override(site_a):
    w = make_world(site_a, rubric=RUBRIC, points=10)
    with site_a:
        submission = _submit(w)
        grade = services.grade_save(submission=submission, grader=w.instructor, rubric_selections=[1, 0])
        assert grade.points_awarded == D("8.00") and not grade.points_overridden
        assert [s["level"] for s in grade.rubric_selections] == ["Vague", "Strong"]
        grade = services.grade_save(submission=submission, grader=w.instructor, rubric_selections=[1, 0], points="9.5")
        assert grade.points_awarded == D("9.50") and grade.points_overridden
        with pytest.raises(ValidationError, match="every rubric criterion"):
            services.grade_save(submission=submission, grader=w.instructor, rubric_selections=[1, None])
        with pytest.raises(ValidationError, match="between 0 and 10"):
            services.grade_save(submission=submission, grader=w.instructor, points="11")
        with pytest.raises(ValidationError, match="levels"):
            services.grade_save(submission=submission, grader=w.instructor, rubric_selections=[7, 0])


def test_ta_can_grade_and_learner_cannot(site_a):
    w = make_world(site_a)
    with site_a:
        submission = _submit(w)
        assert services.grade_save(submission=submission, grader=w.ta, points="5").grader == w.ta
        with pytest.raises(PermissionDenied):
            services.grade_save(submission=submission, grader=w.learner, points="10")
        with pytest.raises(PermissionDenied):
            services.grades_post(assignment=w.assignment, actor=w.other)


def test_manual_posting_keeps_drafts_until_posted_and_records_history(site_a):
    w = make_world(site_a, grade_posting="manual")
    with site_a:
        first, second = _submit(w), _submit(w, learner=w.other)
        g1 = services.grade_save(submission=first, grader=w.ta, points="6")
        services.grade_save(submission=first, grader=w.ta, points="7")  # draft edits are not history
        services.grade_save(submission=second, grader=w.ta, points="9")
        assert g1.status == Grade.Status.DRAFT and not GradeChange.objects.exists()
        assert selectors.recent_grades(w.learner) == []
        assert services.grades_post(assignment=w.assignment, actor=w.instructor) == 2
        assert services.grades_post(assignment=w.assignment, actor=w.instructor) == 0
        g1.refresh_from_db()
        assert g1.status == Grade.Status.POSTED and g1.posted_at is not None
        change = GradeChange.objects.get(grade=g1)
        assert (change.old_status, change.new_status, change.new_final_points, change.changed_by) == (
            "draft", "posted", D("7.00"), w.instructor)


def test_every_change_of_a_posted_grade_is_recorded_with_who_and_when(site_a):
    w = make_world(site_a, grade_posting="manual")
    with site_a:
        submission = _submit(w)
        services.grade_save(submission=submission, grader=w.ta, points="6", post=True)
        services.grade_save(submission=submission, grader=w.instructor, points="8", post=True, reason="Regrade request")
        services.grade_save(submission=submission, grader=w.instructor, points="8", post=True, reason="")  # no change
        services.grade_save(submission=submission, grader=w.instructor, points="8", feedback="Well argued", post=True)
        services.grade_save(submission=submission, grader=w.instructor, points="8", post=False, reason="Withdrawn")
        history = list(GradeChange.objects.filter(grade__submission=submission).order_by("id"))
        assert [(h.old_final_points, h.new_final_points, h.old_status, h.new_status, h.changed_by, h.reason) for h in history] == [
            (None, D("6.00"), "draft", "posted", w.ta, ""),
            (D("6.00"), D("8.00"), "posted", "posted", w.instructor, "Regrade request"),
            (D("8.00"), D("8.00"), "posted", "posted", w.instructor, ""),
            (D("8.00"), D("8.00"), "posted", "draft", w.instructor, "Withdrawn"),
        ]
        assert all(h.changed_at is not None for h in history)
        assert Grade.objects.get(submission=submission).posted_at is None


def test_automatic_posting_posts_on_save(site_a):
    w = make_world(site_a, grade_posting="automatic")
    with site_a:
        grade = services.grade_save(submission=_submit(w), grader=w.ta, points="5", post=False)
        assert grade.status == Grade.Status.POSTED and grade.posted_at is not None
        assert [g.final_points for g in selectors.recent_grades(w.learner)] == [D("5.00")]


# --- publishing contract -------------------------------------------------------------------


def test_validate_for_publish_lists_problems(site_a):
    instructor = site_a.make_user(role="instructor")
    with site_a:
        course, assignment, _ = course_with_assignment(author=instructor, publish=False)
        assert publishing.validate_for_publish(assignment.uuid) == []
        Assignment.objects.filter(pk=assignment.pk).update(
            points=0, instructions=" ", submission_types=["file"], allowed_file_types=[],
            rubric=[{"criterion": "All", "levels": [{"label": "Top", "points": 5}]}])
        problems = " ".join(publishing.validate_for_publish(assignment.uuid))
        for fragment in ("instructions", "more than 0 points", "file types", "Rubric “All”"):
            assert fragment in problems
        with pytest.raises(ValidationError, match="more than 0 points"):
            course_services.course_publish(course=course, author=instructor)
        Assignment.objects.filter(pk=assignment.pk).update(
            points=8, instructions="Go", allowed_file_types=["pdf"],
            rubric=[{"criterion": "A", "levels": [{"label": "x", "points": 5}]}, {"criterion": "B", "levels": [{"label": "y", "points": 5}]}])
        assert publishing.validate_for_publish(assignment.uuid) == [
            "The rubric's best levels add up to 10 points, more than the assignment's 8."]
        Assignment.objects.filter(pk=assignment.pk).update(submission_types=[])
        assert "at least one way" in " ".join(publishing.validate_for_publish(assignment.uuid))


def test_rollback_restores_the_same_assignment_so_work_stays_attached(site_a):
    w = make_world(site_a, points=10)
    with site_a:
        submission = _submit(w)
        _republish(w, points=30, title="Essay v2")
        course_services.course_rollback(course=w.course, version_number=1, author=w.instructor)
        assignment = Assignment.objects.get(course=w.course)
        assert assignment.pk == w.assignment.pk and assignment.points == 10 and assignment.title == "Essay"
        assert submission.assignment_uuid == assignment.uuid
        assert publishing.editor_url(w.course, assignment.uuid) == f"/studio/courses/{w.slug}/assignments/{assignment.uuid}/"


def test_snapshot_holds_every_rule(site_a):
    instructor = site_a.make_user(role="instructor")
    with site_a:
        course, assignment, _ = course_with_assignment(author=instructor, publish=False)
        category = services.category_create(course=course, name="Essays", weight_percent=D("40"))
        services.assignment_update(assignment=assignment, category=category, penalty_percent_per_day=D("12.5"),
                                   accept_late=True, due_at=timezone.now())
        data = publishing.snapshot(assignment.uuid)
        assert data["penalty_percent_per_day"] == "12.50" and data["category"]["name"] == "Essays"
        assert data["submission_types"] == ["file", "text", "url"] and data["due_at"]
        json.dumps(data)  # stored in CourseVersion.snapshot: plain JSON, no Decimal or datetime objects


# --- authoring and categories --------------------------------------------------------------


def test_assignment_fields_are_validated(site_a):
    w = make_world(site_a)
    with site_a:
        a = Assignment.objects.get(pk=w.assignment.pk)
        with pytest.raises(ValidationError) as exc:
            services.assignment_update(assignment=a, submission_types=["fax"])
        assert "submission_types" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.assignment_update(assignment=a, allowed_file_types=["exe"])
        assert "allowed_file_types" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.assignment_update(assignment=a, rubric=[{"criterion": "X", "levels": []}])
        assert "rubric" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.assignment_update(assignment=a, penalty_percent_per_day=D("101"))
        assert "penalty_percent_per_day" in exc.value.message_dict


def test_category_of_another_course_refused(site_a):
    w = make_world(site_a)
    with site_a:
        other_course, _, _ = course_with_assignment(author=w.instructor, title="Other")
        foreign = services.category_create(course=other_course, name="Labs", weight_percent=D("10"))
        with pytest.raises(ValidationError) as exc:
            services.assignment_update(assignment=Assignment.objects.get(pk=w.assignment.pk), category=foreign)
        assert "category" in exc.value.message_dict


def test_category_weights_add_up_to_at_most_100_and_names_are_unique(site_a):
    w = make_world(site_a)
    with site_a:
        homework = services.category_create(course=w.course, name="Homework", weight_percent=D("60"))
        with pytest.raises(ValidationError, match="at most 100"):
            services.category_create(course=w.course, name="Exams", weight_percent=D("41"))
        services.category_create(course=w.course, name="Exams", weight_percent=D("40"))
        with pytest.raises(ValidationError, match="already has"):
            services.category_create(course=w.course, name="exams", weight_percent=D("0"))
        with pytest.raises(ValidationError, match="at most 100"):
            services.category_update(category=homework, weight_percent=D("61"))
        services.category_update(category=homework, weight_percent=D("50"), name="Homework sets")


def test_assignment_with_submissions_cannot_be_deleted(site_a):
    w = make_world(site_a)
    with site_a:
        spare = services.assignment_create(course=w.course, title="Spare")
        services.assignment_delete(assignment=spare)
        _submit(w)
        with pytest.raises(services.HasSubmissions):
            services.assignment_delete(assignment=w.assignment)
