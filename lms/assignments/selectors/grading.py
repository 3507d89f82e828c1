"""Grading: queues, the next submission, summaries, grade history."""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID
from django.contrib.auth.models import User
from django.db.models import Count, Q
from lms.courses import api as course_permissions
from lms.courses.api import Course
from ..models import Assignment, Grade, GradeChange, Submission
from .lookups import assignment_list


# --- grading -------------------------------------------------------------------------------


def submission_get_for_grading(*, course: Course, submission_uuid) -> Submission | None:
    return (Submission.objects.select_related("course", "learner", "grade", "grade__grader")
            .filter(course=course, uuid=submission_uuid).first())


def submission_get_for_grader(*, user: User, submission_uuid) -> Submission | None:
    """A submission of a course this user grades (the API addresses submissions by uuid alone)."""
    submission = (Submission.objects.select_related("course", "learner__profile", "grade", "grade__grader")
                  .filter(uuid=submission_uuid).first())
    if submission is None or not course_permissions.can_grade(user, submission.course):
        return None
    return submission


def grading_queue(*, course: Course, assignment_uuid=None, trainer: User | None = None):
    """Submissions with no grade yet, oldest first (the order they should be graded in);
    with `trainer`, only those of the learners assigned to them ("my learners", lms.cohorts)."""
    qs = (Submission.objects.filter(course=course, grade__isnull=True)
          .select_related("learner", "course").order_by("submitted_at", "id"))
    if assignment_uuid:
        qs = qs.filter(assignment_uuid=assignment_uuid)
    if trainer is not None:
        from lms.cohorts.api import my_learner_ids  # cohorts -> tracks -> assignments: imported when used

        qs = qs.filter(learner_id__in=my_learner_ids(trainer, course))
    return qs


def grading_next(*, course: Course, assignment_uuid=None, trainer: User | None = None) -> Submission | None:
    return grading_queue(course=course, assignment_uuid=assignment_uuid, trainer=trainer).first()


@dataclass
class AssignmentGradingSummary:
    assignment: Assignment
    submissions: int = 0
    ungraded: int = 0
    drafts: int = 0
    posted: int = 0


def grading_summary(*, course: Course) -> list[AssignmentGradingSummary]:
    """Per assignment: submissions, ungraded, draft and posted grades (two queries)."""
    rows = {a.uuid: AssignmentGradingSummary(a) for a in assignment_list(course=course)}
    counts = (Submission.objects.filter(course=course).values("assignment_uuid")
              .annotate(total=Count("id"), ungraded=Count("id", filter=Q(grade__isnull=True)),
                        drafts=Count("id", filter=Q(grade__status=Grade.Status.DRAFT)),
                        posted=Count("id", filter=Q(grade__status=Grade.Status.POSTED))))
    for c in counts:
        summary = rows.get(c["assignment_uuid"])
        if summary:
            summary.submissions, summary.ungraded, summary.drafts, summary.posted = (
                c["total"], c["ungraded"], c["drafts"], c["posted"])
    return list(rows.values())


def assignment_titles(*, course: Course) -> dict[UUID, str]:
    return dict(Assignment.objects.filter(course=course).values_list("uuid", "title"))


def grade_history(*, grade: Grade | None):
    if grade is None or grade.pk is None:
        return GradeChange.objects.none()
    return grade.changes.select_related("changed_by").order_by("-changed_at", "-id")


def learner_other_submissions(*, submission: Submission):
    return (Submission.objects.filter(course_id=submission.course_id, assignment_uuid=submission.assignment_uuid,
                                      learner_id=submission.learner_id)
            .exclude(pk=submission.pk).select_related("grade").order_by("attempt"))
