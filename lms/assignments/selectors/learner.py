"""The learner's side: their assignments, submissions and posted grades."""
from __future__ import annotations

from dataclasses import dataclass
from django.contrib.auth.models import User
from django.utils import timezone
from lms.courses import api as course_permissions
from lms.courses import api as course_selectors
from lms.courses.api import Course
from ..models import Assignment, Grade, Submission
from .snapshots import Rules, assignment_in_snapshot, spec_rules


# --- the learner's side --------------------------------------------------------------------


@dataclass
class LearnerSubmission:
    submission: Submission
    grade: Grade | None  # posted grades only


@dataclass
class LearnerAssignment:
    course: Course
    enrollment: object
    item: dict
    spec: dict
    rules: Rules
    submissions: list[LearnerSubmission]

    @property
    def uuid(self) -> str:
        return self.spec["uuid"]

    @property
    def course_title(self) -> str:
        """As published in the learner's version (a draft title never reaches learners)."""
        return _version_course_title(self.enrollment.version, self.course)

    @property
    def submissions_left(self) -> int | None:
        if self.rules.max_submissions is None:
            return None
        return max(0, self.rules.max_submissions - len(self.submissions))

    @property
    def late_days_now(self) -> int:
        from ..services import late_days_for

        return late_days_for(due_at=self.rules.due_at, submitted_at=timezone.now())

    @property
    def closed_reason(self) -> str:
        """Why the learner cannot submit now ('' when they can)."""
        if self.enrollment.status == self.enrollment.Status.DROPPED:
            return "You dropped this course; enroll again to submit work."
        if self.submissions_left == 0:
            return f"You have used all {self.rules.max_submissions} submission(s) allowed."
        days = self.late_days_now
        if days and not self.rules.accept_late:
            return "The due date has passed and this assignment does not accept late work."
        if days and self.rules.max_late_days is not None and days > self.rules.max_late_days:
            return f"Late work was accepted for {self.rules.max_late_days} day(s) after the due date."
        return ""


def _version_course_title(version, course: Course) -> str:
    return ((version.snapshot if version else {}) or {}).get("course", {}).get("title") or course.slug


def posted_grades_for(submissions) -> dict[int, Grade]:
    """Posted grades of these submissions by submission id (draft grades are never loaded)."""
    ids = [s.pk for s in submissions]
    if not ids:
        return {}
    return {g.submission_id: g for g in Grade.objects.filter(submission_id__in=ids, status=Grade.Status.POSTED)}


def learner_assignment_get(*, learner: User, course: Course, assignment_uuid) -> LearnerAssignment | None:
    """The assignment as the learner's pinned version shows it, with their submissions and posted grades."""
    enrollment = course_selectors.enrollment_get(learner=learner, course=course)
    if enrollment is None:
        return None
    found = assignment_in_snapshot(enrollment.version.snapshot, assignment_uuid)
    if found is None:
        return None
    item, spec = found
    submissions = list(Submission.objects.filter(course=course, assignment_uuid=assignment_uuid, learner=learner)
                       .order_by("attempt"))
    grades = posted_grades_for(submissions)
    return LearnerAssignment(
        course=course, enrollment=enrollment, item=item, spec=spec, rules=spec_rules(spec),
        submissions=[LearnerSubmission(s, grades.get(s.pk)) for s in submissions],
    )


def learner_assignment_by_uuid(*, learner: User, assignment_uuid) -> LearnerAssignment | None:
    """The same, for the API where only the assignment's uuid is known."""
    assignment = Assignment.objects.select_related("course").filter(uuid=assignment_uuid).first()
    if assignment is None:
        return None
    return learner_assignment_get(learner=learner, course=assignment.course, assignment_uuid=assignment_uuid)


def learner_submission_get(*, learner: User, submission_uuid) -> LearnerSubmission | None:
    submission = Submission.objects.select_related("course").filter(uuid=submission_uuid, learner=learner).first()
    if submission is None:
        return None
    return LearnerSubmission(submission, posted_grades_for([submission]).get(submission.pk))


def submission_get_for_file(*, user: User, submission_uuid) -> Submission | None:
    """A submission whose file this user may read: their own, or one of a course they grade."""
    if not user.is_authenticated:
        return None
    submission = Submission.objects.select_related("course").filter(uuid=submission_uuid).first()
    if submission is None:
        return None
    if submission.learner_id == user.pk or course_permissions.can_grade(user, submission.course):
        return submission
    return None
