"""Writes for assignments: authoring, submissions, grading, grade release, gradebook categories.

Learners submit against the assignment as published in the course version they are pinned to
(the rules they were shown); graders grade against that same version's points and rubric.
Grades are drafts until posted; every change a learner could see (posting, changing or
withdrawing a posted grade) is recorded as a GradeChange with who and when.
"""
from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from lms.courses import api as course_permissions
from lms.courses import api as course_selectors
from lms.courses import api as course_services
from lms.courses.api import Course
from tenants.api import audit_log

from . import selectors
from .models import FILE_TYPES, SUBMISSION_TYPES, Assignment, GradeCategory, Grade, GradeChange, QuizCategory, Submission
from .rubric import rubric_clean, rubric_score
from .uploads import CONTENT_TYPES, safe_file_name, submission_file_check

CENT = Decimal("0.01")
ASSIGNMENT_FIELDS = frozenset({
    "title", "instructions", "points", "due_at", "accept_late", "penalty_percent_per_day", "max_late_days",
    "submission_types", "allowed_file_types", "max_file_mb", "max_submissions", "rubric", "grade_posting", "category",
})
DAY_SECONDS = 24 * 60 * 60


# --- authoring -----------------------------------------------------------------------------


def _ordered_subset(values, choices: dict, field: str, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, (list, tuple)):
        raise ValidationError({field: f"Give a list of {what}."})
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ValidationError({field: f"Unknown {what}: {', '.join(map(str, unknown))}. Choose from {', '.join(choices)}."})
    return [c for c in choices if c in values]


def _assignment_clean(assignment: Assignment) -> None:
    assignment.title = (assignment.title or "").strip()
    assignment.submission_types = _ordered_subset(assignment.submission_types, SUBMISSION_TYPES, "submission_types",
                                                  "submission types")
    assignment.allowed_file_types = _ordered_subset(assignment.allowed_file_types, FILE_TYPES, "allowed_file_types",
                                                    "file types")
    try:
        assignment.rubric = rubric_clean(assignment.rubric)
    except ValidationError as exc:
        raise ValidationError({"rubric": exc.messages}) from exc
    if assignment.category_id is not None and assignment.category.course_id != assignment.course_id:
        raise ValidationError({"category": "Choose a category of this course."})
    assignment.full_clean(exclude=["course"])


@transaction.atomic
def assignment_create(*, course: Course, title: str, **fields) -> Assignment:
    unknown = set(fields) - ASSIGNMENT_FIELDS
    if unknown:
        raise ValueError(f"unknown assignment fields: {sorted(unknown)}")
    fields.setdefault("submission_types", ["file"])
    fields.setdefault("allowed_file_types", ["pdf"])
    assignment = Assignment(course=course, title=title, **fields)
    _assignment_clean(assignment)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, **fields) -> Assignment:
    unknown = set(fields) - ASSIGNMENT_FIELDS
    if unknown:
        raise ValueError(f"unknown assignment fields: {sorted(unknown)}")
    before = {name: getattr(assignment, name) for name in fields}
    for name, value in fields.items():
        setattr(assignment, name, value)
    try:
        _assignment_clean(assignment)
    except ValidationError:
        for name, value in before.items():  # leave the caller's object as it was
            setattr(assignment, name, value)
        raise
    assignment.save()
    return assignment


class HasSubmissions(ValidationError):
    """The assignment has learners' work attached: it cannot be deleted."""


@transaction.atomic
def assignment_delete(*, assignment: Assignment) -> None:
    if Submission.objects.filter(course_id=assignment.course_id, assignment_uuid=assignment.uuid).exists():
        raise HasSubmissions("Learners have submitted work for this assignment; it cannot be deleted.",
                             code="has_submissions")
    assignment.delete()


# --- gradebook categories ------------------------------------------------------------------


def _check_weights(course: Course, *, exclude_pk=None, adding: Decimal) -> None:
    others = GradeCategory.objects.filter(course=course).exclude(pk=exclude_pk).aggregate(s=Sum("weight_percent"))["s"]
    total = (others or Decimal(0)) + adding
    if total > 100:
        raise ValidationError({"weight_percent": f"The weights of a course add up to at most 100 % (this makes {total} %)."})


def _category_clean(category: GradeCategory) -> None:
    category.name = (category.name or "").strip()
    if GradeCategory.objects.filter(course_id=category.course_id, name__iexact=category.name).exclude(pk=category.pk).exists():
        raise ValidationError({"name": f"The course already has a category “{category.name}”."})
    category.full_clean(exclude=["course"])
    _check_weights(category.course, exclude_pk=category.pk, adding=Decimal(category.weight_percent))


@transaction.atomic
def category_create(*, course: Course, name: str, weight_percent) -> GradeCategory:
    Course.objects.select_for_update().filter(pk=course.pk).first()  # weights are checked against siblings
    position = (GradeCategory.objects.filter(course=course).aggregate(m=Max("position"))["m"] or 0) + 1
    category = GradeCategory(course=course, name=name, weight_percent=weight_percent, position=position)
    _category_clean(category)
    category.save()
    return category


@transaction.atomic
def category_update(*, category: GradeCategory, **fields) -> GradeCategory:
    unknown = set(fields) - {"name", "weight_percent"}
    if unknown:
        raise ValueError(f"unknown category fields: {sorted(unknown)}")
    Course.objects.select_for_update().filter(pk=category.course_id).first()
    for name, value in fields.items():
        setattr(category, name, value)
    _category_clean(category)
    category.save()
    return category


@transaction.atomic
def category_delete(*, category: GradeCategory) -> None:
    category.delete()  # its assignments and quizzes become uncategorised (SET_NULL / CASCADE on the mapping)


@transaction.atomic
def quiz_category_set(*, course: Course, quiz_uuid: UUID, category: GradeCategory | None) -> None:
    """Put a quiz of the course in a gradebook category (None: uncategorised)."""
    if category is not None and category.course_id != course.pk:
        raise ValidationError({"category": "Choose a category of this course."})
    if category is None:
        QuizCategory.objects.filter(course=course, quiz_uuid=quiz_uuid).delete()
    else:
        QuizCategory.objects.update_or_create(course=course, quiz_uuid=quiz_uuid, defaults={"category": category})


# --- late policy ---------------------------------------------------------------------------


def late_days_for(*, due_at: datetime | None, submitted_at: datetime) -> int:
    """Whole days late, any part of a day counting as a day (one second late is one day)."""
    if due_at is None or submitted_at <= due_at:
        return 0
    return math.ceil((submitted_at - due_at).total_seconds() / DAY_SECONDS)


def late_penalty_for(*, points_awarded: Decimal, max_points: int, percent_per_day, late_days: int) -> Decimal:
    """Percent of the assignment's points per day late, never more than the points awarded."""
    if late_days <= 0:
        return Decimal("0.00")
    penalty = (Decimal(max_points) * Decimal(str(percent_per_day)) * late_days / 100).quantize(CENT, ROUND_HALF_UP)
    return min(penalty, Decimal(points_awarded)).quantize(CENT)


# --- submissions ---------------------------------------------------------------------------


class SubmissionRefused(ValidationError):
    """The learner may not submit now (deadline, number of submissions, enrollment): a conflict, not bad input."""


@transaction.atomic
def submission_create(
    *, learner: User, course: Course, assignment_uuid: UUID, text: str = "", url: str = "", upload=None,
    now: datetime | None = None,
) -> Submission:
    """Hand in work for an assignment of the learner's version of the course; marks its item complete.

    ValidationError (bad input; uploads.FileTooLarge for size) or SubmissionRefused (not allowed now).
    """
    now = now or timezone.now()
    enrollment = course_selectors.enrollment_get(learner=learner, course=course)
    found = selectors.assignment_in_snapshot(enrollment.version.snapshot, assignment_uuid) if enrollment else None
    if found is None:
        raise SubmissionRefused("You are not enrolled in a version of this course with this assignment.",
                                code="not_enrolled")
    if enrollment.status == enrollment.Status.DROPPED:
        raise SubmissionRefused("You dropped this course; enroll again to submit work.", code="dropped")
    item, spec = found
    rules = selectors.spec_rules(spec)

    text, url = (text or "").strip(), (url or "").strip()
    given = {"text": bool(text), "url": bool(url), "file": upload is not None}
    errors = {k: f"This assignment does not take a {SUBMISSION_TYPES[k].lower()}." for k, v in given.items()
              if v and k not in rules.submission_types}
    if errors:
        raise ValidationError(errors)
    if not any(given.values()):
        raise ValidationError("Hand in something: " + " or ".join(SUBMISSION_TYPES[t].lower() for t in rules.submission_types) + ".",
                              code="empty")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise ValidationError({"url": "Enter a full web address starting with http:// or https://."}) from exc
        if len(url) > 1000:
            raise ValidationError({"url": "The address is too long (1000 characters at most)."})
    if len(text) > 200_000:
        raise ValidationError({"text": "The text is too long (200,000 characters at most)."})

    late_days = late_days_for(due_at=rules.due_at, submitted_at=now)
    if late_days:
        if not rules.accept_late:
            raise SubmissionRefused("The due date has passed and this assignment does not accept late work.",
                                    code="late_refused")
        if rules.max_late_days is not None and late_days > rules.max_late_days:
            raise SubmissionRefused(
                f"Late work is accepted for {rules.max_late_days} day(s) after the due date; this would be {late_days} days late.",
                code="too_late")

    used = Submission.objects.filter(assignment_uuid=assignment_uuid, learner=learner).count()
    if rules.max_submissions is not None and used >= rules.max_submissions:
        raise SubmissionRefused(f"You have used all {rules.max_submissions} submission(s) allowed.", code="max_submissions")

    kind = None
    if upload is not None:
        kind = submission_file_check(upload, allowed=rules.allowed_file_types, max_mb=rules.max_file_mb)

    course_services.progress_item_complete(enrollment=enrollment, item_uuid=item["uuid"])
    submission = Submission(
        assignment_uuid=assignment_uuid, course=course, learner=learner, version_number=enrollment.version.number,
        attempt=used + 1, text=text, url=url, submitted_at=now, late_days=late_days,
    )
    if upload is not None:
        submission.file_name = (upload.name or "")[-255:]
        submission.file_type = kind
        submission.file_content_type = CONTENT_TYPES[kind]
        submission.file_size = upload.size
        upload.seek(0)
        submission.file.save(safe_file_name(upload.name, kind), upload, save=False)
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError as exc:  # the same attempt number taken by a concurrent submission
        if submission.file:
            submission.file.delete(save=False)
        raise SubmissionRefused("Another submission was just made for this assignment; reload and try again.",
                                code="concurrent") from exc
    _tell_submitted(submission)
    return submission


def _tell_submitted(submission: Submission) -> None:
    """The learner's trainer (lms.cohorts) hears of new work; a learner without one: the whole course staff.
    The bell's text (stored with the staff's notifications) leaves the learner's name out: it would
    outlive the learner's erasure; the email names them, the link shows who."""
    from django.db import connection

    from lms.cohorts.api import trainer_of  # cohorts -> tracks -> assignments: imported when used
    from tenant_apps.notifications.api import notify
    from tenants.api import site_url_for_tenant

    course = submission.course
    trainer = trainer_of(submission.learner, course)
    staff = [trainer] if trainer else [user for user, _role in course_permissions.course_staff(course)]
    recipients = [user for user in staff if user.pk != submission.learner_id]
    if not recipients:
        return
    assignment = Assignment.objects.filter(course=course, uuid=submission.assignment_uuid).values_list("title", flat=True).first()
    path = f"/studio/courses/{course.slug}/grading/{submission.uuid}/"
    notify("submission_received", recipients, {
        "course": course, "assignment_title": assignment or "an assignment", "attempt": submission.attempt,
        "learner_name": submission.learner.get_full_name() or submission.learner.email,
        "url": site_url_for_tenant(connection.tenant, path)}, url=path, actor=submission.learner)


# --- grading -------------------------------------------------------------------------------


def _points(value, max_points: int) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"points": "Enter a number."}) from exc
    if not points.is_finite() or points != points.quantize(CENT):
        raise ValidationError({"points": "Use at most two decimal places."})
    if points < 0 or points > max_points:
        raise ValidationError({"points": f"Points must be between 0 and {max_points}."})
    return points.quantize(CENT)


def _grade_change(grade: Grade, *, by: User, at, old_points, old_status, reason: str) -> GradeChange:
    return GradeChange(grade=grade, changed_by=by, changed_at=at, old_final_points=old_points,
                       new_final_points=grade.final_points, old_status=old_status, new_status=grade.status,
                       reason=(reason or "").strip()[:500])


@transaction.atomic
def grade_save(
    *, submission: Submission, grader: User, rubric_selections: list | None = None, points=None, feedback: str = "",
    post: bool = False, reason: str = "",
) -> Grade:
    """Grade a submission from rubric levels and/or points; the late penalty is applied.

    With automatic posting the grade is posted on save; otherwise it is posted when `post` is true
    and saved as a draft (hidden from the learner, also withdrawing a posted grade) when it is false.
    """
    if not course_permissions.can_grade(grader, submission.course):
        raise PermissionDenied("You cannot grade this course.")
    spec = selectors.assignment_spec_for_submission(submission)
    rules = selectors.spec_rules(spec)
    stored, rubric_total = rubric_score(rules.rubric, rubric_selections or [])
    if points in (None, ""):
        if rubric_total is None:
            raise ValidationError({"points": "Choose a level for every rubric criterion, or enter the points."}
                                  if rules.rubric else {"points": "Enter the points."})
        awarded, overridden = Decimal(min(rubric_total, rules.points)).quantize(CENT), False
    else:
        awarded = _points(points, rules.points)
        overridden = bool(rules.rubric) and (rubric_total is None or awarded != rubric_total)
    penalty = late_penalty_for(points_awarded=awarded, max_points=rules.points, percent_per_day=rules.penalty_percent_per_day,
                               late_days=submission.late_days)
    assignment = Assignment.objects.filter(course_id=submission.course_id, uuid=submission.assignment_uuid).first()
    posting = assignment.grade_posting if assignment else rules.grade_posting
    status = Grade.Status.POSTED if (post or posting == Assignment.Posting.AUTOMATIC) else Grade.Status.DRAFT

    # Lock the submission first: two graders saving its first grade would otherwise both find
    # no grade and both insert (the second one failing on the one-grade-per-submission rule).
    Submission.objects.select_for_update().filter(pk=submission.pk).first()
    grade = Grade.objects.select_for_update().filter(submission=submission).first()
    now = timezone.now()
    if grade is None:
        grade = Grade(submission=submission)
        before = None
    else:
        before = (grade.final_points, grade.status, grade.points_awarded, grade.feedback, grade.rubric_selections)
    old_points, old_status = (grade.final_points, grade.status) if before else (None, Grade.Status.DRAFT)
    grade.max_points = rules.points
    grade.points_awarded = awarded
    grade.points_overridden = overridden
    grade.rubric_selections = stored
    grade.feedback = (feedback or "").strip()
    grade.late_penalty = penalty
    grade.final_points = (awarded - penalty).quantize(CENT)
    grade.grader = grader
    if status == Grade.Status.POSTED:
        if grade.status != Grade.Status.POSTED or grade.posted_at is None:
            grade.posted_at = now  # when it first became visible; later changes are in GradeChange
    else:
        grade.posted_at = None
    grade.status = status
    grade.full_clean(exclude=["submission", "grader"])
    grade.save()
    after = (grade.final_points, grade.status, grade.points_awarded, grade.feedback, grade.rubric_selections)
    if status == Grade.Status.POSTED and before != after:
        _tell_posted([grade], actor=grader)
    if (old_status == Grade.Status.POSTED or status == Grade.Status.POSTED) and before != after:
        _grade_change(grade, by=grader, at=now, old_points=old_points, old_status=old_status, reason=reason).save()
        audit_log(action="grade.change", target=("assignments.grade", grade.pk, str(submission.learner_id)), actor=grader,
                  before={"final_points": old_points, "status": old_status}, after={"final_points": grade.final_points, "status": grade.status, "reason": reason})
    return grade


@transaction.atomic
def grades_post(*, assignment: Assignment, actor: User) -> int:
    """Post every draft grade of an assignment (manual posting); returns how many were posted."""
    if not course_permissions.can_grade(actor, assignment.course):
        raise PermissionDenied("You cannot grade this course.")
    drafts = list(
        Grade.objects.select_for_update()
        .filter(submission__course_id=assignment.course_id, submission__assignment_uuid=assignment.uuid,
                status=Grade.Status.DRAFT)
    )
    now = timezone.now()
    for grade in drafts:
        grade.status, grade.posted_at = Grade.Status.POSTED, now
    Grade.objects.bulk_update(drafts, ["status", "posted_at"])
    from lms.courses.api import learner_changed  # bulk_update sends no signals

    for learner_id in set(Submission.objects.filter(grade__in=drafts).values_list("learner_id", flat=True)):
        learner_changed(learner_id)
    GradeChange.objects.bulk_create(
        [_grade_change(g, by=actor, at=now, old_points=g.final_points, old_status=Grade.Status.DRAFT, reason="Posted all grades")
         for g in drafts]
    )
    audit_log(action="grade.release", target=assignment, after={"posted": len(drafts)}, actor=actor)
    _tell_posted(drafts, actor=actor)
    return len(drafts)


def _tell_posted(grades: list[Grade], *, actor: User) -> None:
    """The learners whose grade (and feedback) became visible or changed: one notification each."""
    if not grades:
        return
    from django.db import connection

    from tenant_apps.notifications.api import notify_each
    from tenants.api import site_url_for_tenant

    grades = list(Grade.objects.filter(pk__in=[g.pk for g in grades]).select_related(
        "submission__learner", "submission__course"))
    deliveries, path = [], ""
    for grade in grades:
        submission = grade.submission
        assignment = Assignment.objects.filter(course_id=submission.course_id, uuid=submission.assignment_uuid).first()
        path = f"/courses/{submission.course.slug}/"
        deliveries.append((submission.learner, {
            "course": submission.course, "assignment_title": assignment.title if assignment else "your assignment",
            "points": grade.final_points, "max_points": grade.max_points,
            "url": site_url_for_tenant(connection.tenant, path)}))
    notify_each("feedback_posted", deliveries, url=path, actor=actor)

