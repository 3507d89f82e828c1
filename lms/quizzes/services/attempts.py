"""Learners' attempts: layout, start, answers, submit, deadlines, scoring, essay grading."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.courses import api as permissions
from lms.courses import api as course_services
from lms.courses.api import Course, Enrollment
from tenants.api import NUL_IN_TEXT

from .. import selectors
from ..grading import CHOICE_KINDS, cents, grade_question, to_decimal
from ..models import Question, QuizAttempt
from ..selectors import LearnerQuiz
from .policy import AttemptRefused, GRACE, MAX_ESSAY, MAX_TEXT_ANSWER, TimeUp


def attempt_layout(quiz: dict, *, rng: random.Random | None = None) -> tuple[list[str], dict[str, list[str]]]:
    """Question order and option order for a new attempt (fixed for the attempt's life)."""
    rng = rng or random.SystemRandom()
    questions = list(quiz.get("questions", []))
    order = [q["uuid"] for q in questions]
    if quiz.get("shuffle_questions"):
        rng.shuffle(order)
    option_order = {}
    if quiz.get("shuffle_options"):
        for q in questions:
            if q["kind"] in ("single_choice", "multiple_choice"):
                ids = [o["id"] for o in q.get("options") or []]
                rng.shuffle(ids)
                option_order[q["uuid"]] = ids
    return order, option_order


def _lock(attempt: QuizAttempt) -> QuizAttempt:
    """Lock an attempt for writing. Locks are always taken in the same order as attempt_start
    (the learner's enrollment, then the attempt) so that a submit, which completes the item and
    so writes the enrollment, cannot deadlock against a start in another tab."""
    Enrollment.objects.select_for_update().filter(course_id=attempt.course_id, learner_id=attempt.learner_id).first()
    return QuizAttempt.objects.select_for_update(of=("self",)).select_related("course").get(pk=attempt.pk)


def _overdue(attempt: QuizAttempt, now: datetime) -> bool:
    return attempt.is_open and attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


@dataclass
class _Start:
    attempt: QuizAttempt
    created: bool


@transaction.atomic
def attempt_start(*, learner_quiz: LearnerQuiz, now: datetime | None = None) -> _Start:
    """Start an attempt from the learner's pinned version, or return the one in progress."""
    now = now or timezone.now()
    enrollment = Enrollment.objects.select_for_update().select_related("version").get(pk=learner_quiz.enrollment.pk)
    if enrollment.status == Enrollment.Status.DROPPED:
        raise AttemptRefused("You dropped this course; enroll again to take the quiz.")
    quiz, learner = learner_quiz.quiz, enrollment.learner
    attempts = list(QuizAttempt.objects.select_for_update().filter(learner=learner, quiz_uuid=quiz["uuid"]))
    for attempt in attempts:
        if _overdue(attempt, now):
            _finish(attempt, now=now, by_deadline=True)
    open_attempt = next((a for a in attempts if a.is_open), None)
    if open_attempt is not None:
        return _Start(open_attempt, False)
    due = selectors.quiz_due_at(quiz)
    if due is not None and now >= due:
        raise AttemptRefused(f"The quiz closed on {timezone.localtime(due):%d %b %Y, %H:%M}.", code="quiz_closed")
    allowed = quiz.get("attempts_allowed")
    if allowed is not None and len(attempts) >= allowed:
        raise AttemptRefused(f"You have used all {allowed} attempt{'s' if allowed != 1 else ''} at this quiz.",
                             code="no_attempts_left")
    deadline = now + timedelta(minutes=quiz["time_limit_minutes"]) if quiz.get("time_limit_minutes") else None
    if due is not None:
        deadline = min(deadline, due) if deadline else due
    order, option_order = attempt_layout(quiz)
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                learner=learner, course_id=enrollment.course_id, quiz_uuid=quiz["uuid"],
                item_uuid=learner_quiz.item["uuid"], version_number=enrollment.version.number,
                number=max((a.number for a in attempts), default=0) + 1, started_at=now, deadline_at=deadline,
                question_order=order, option_order=option_order,
                max_score=selectors.quiz_total_points(quiz),
            )
    except IntegrityError:  # a concurrent start won the race
        raise AttemptRefused("An attempt was just started; reload the page.") from None
    if deadline is not None:
        schema = _schema()
        transaction.on_commit(lambda: _schedule_close(attempt.pk, deadline + GRACE, schema))
    return _Start(attempt, True)


def _schema() -> str:
    from django.db import connection

    return connection.schema_name


def _schedule_close(attempt_id: int, eta: datetime, schema: str) -> None:
    from ..tasks import attempt_close_overdue_task

    try:
        attempt_close_overdue_task.apply_async(args=[attempt_id], eta=eta + timedelta(seconds=1))
    except Exception:  # noqa: BLE001 - the broker being down must not fail the start; overdue attempts also close lazily
        import logging

        logging.getLogger(__name__).warning("could not queue the close of quiz attempt %s (%s)", attempt_id, schema)


def _clean_answers(attempt: QuizAttempt, quiz: dict, answers) -> dict:
    """Learner answers checked against the attempt's questions: {question uuid: value}."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": "Give the answers as an object keyed by question id."})
    by_uuid = {q["uuid"]: q for q in quiz.get("questions", []) if q["uuid"] in set(attempt.question_order)}
    cleaned = {}
    for qid, value in answers.items():
        question = by_uuid.get(str(qid))
        if question is None:
            raise ValidationError({"answers": f"{qid} is not a question of this attempt."})
        kind = question["kind"]
        if value is None:
            cleaned[question["uuid"]] = [] if kind in CHOICE_KINDS else ""
            continue
        if kind in CHOICE_KINDS:
            picked = [value] if isinstance(value, str) else value
            if not isinstance(picked, list) or not all(isinstance(v, str) for v in picked):
                raise ValidationError({"answers": "Choose options by their ids."})
            picked = [v for v in dict.fromkeys(picked) if v]
            valid = {o["id"] for o in question.get("options") or []}
            if any(v not in valid for v in picked):
                raise ValidationError({"answers": "One of the chosen options does not exist."})
            if kind != "multiple_choice" and len(picked) > 1:
                raise ValidationError({"answers": "Choose one option only."})
            cleaned[question["uuid"]] = picked
        else:
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ValidationError({"answers": "Give a text answer."})
            text = str(value)
            if "\x00" in text:
                raise ValidationError({"answers": NUL_IN_TEXT})
            limit = MAX_ESSAY if kind == "essay" else MAX_TEXT_ANSWER
            if len(text) > limit:
                raise ValidationError({"answers": f"Keep answers to {limit:,} characters."})
            cleaned[question["uuid"]] = text
    return cleaned


@transaction.atomic
def _answers_store(*, attempt: QuizAttempt, answers, replace: bool, now: datetime) -> QuizAttempt:
    attempt = _lock(attempt)
    if not attempt.is_open:
        raise AttemptRefused("This attempt was already submitted.", code="attempt_closed")
    if _overdue(attempt, now):
        raise TimeUp()
    quiz = selectors.attempt_quiz_data(attempt)
    cleaned = _clean_answers(attempt, quiz, answers)
    attempt.answers = cleaned if replace else {**attempt.answers, **cleaned}
    attempt.answers_saved_at = now
    attempt.save(update_fields=["answers", "answers_saved_at"])
    return attempt


def attempt_answers_save(*, attempt: QuizAttempt, answers: dict, replace: bool = False,
                         now: datetime | None = None) -> QuizAttempt:
    """Save answers (autosave). `replace`: the answers are the whole form, else merged in.
    Raises TimeUp (after closing the attempt) once the deadline and grace have passed."""
    now = now or timezone.now()
    try:
        return _answers_store(attempt=attempt, answers=answers, replace=replace, now=now)
    except TimeUp:
        raise TimeUp(attempt_close_if_overdue(attempt=attempt, now=now)) from None


def attempt_submit(*, attempt: QuizAttempt, answers: dict | None = None, replace: bool = False,
                   now: datetime | None = None) -> QuizAttempt:
    """Save the final answers (if any) and score the attempt. After the deadline the answers
    are refused (TimeUp) and the attempt is scored with what was saved in time."""
    now = now or timezone.now()
    try:
        return _submit(attempt=attempt, answers=answers, replace=replace, now=now)
    except TimeUp:
        raise TimeUp(attempt_close_if_overdue(attempt=attempt, now=now)) from None


@transaction.atomic
def _submit(*, attempt: QuizAttempt, answers, replace: bool, now: datetime) -> QuizAttempt:
    if answers is not None:
        attempt = _answers_store(attempt=attempt, answers=answers, replace=replace, now=now)
    attempt = _lock(attempt)
    if not attempt.is_open:
        raise AttemptRefused("This attempt was already submitted.", code="attempt_closed")
    if _overdue(attempt, now):
        raise TimeUp()
    return _finish(attempt, now=now, by_deadline=False)


@transaction.atomic
def attempt_close_if_overdue(*, attempt: QuizAttempt, now: datetime | None = None) -> QuizAttempt:
    """Close an attempt whose time is up, scoring the answers saved before the deadline."""
    now = now or timezone.now()
    attempt = _lock(attempt)
    if _overdue(attempt, now):
        _finish(attempt, now=now, by_deadline=True)
    return attempt


def attempts_close_overdue(*, learner: User | None = None, course: Course | None = None,
                           now: datetime | None = None) -> int:
    """Close every overdue attempt (of a learner / a course when given); returns how many."""
    now = now or timezone.now()
    qs = QuizAttempt.objects.filter(status=QuizAttempt.Status.IN_PROGRESS, deadline_at__lt=now - GRACE)
    if learner is not None:
        qs = qs.filter(learner=learner)
    if course is not None:
        qs = qs.filter(course=course)
    closed = 0
    for attempt in qs:
        if not attempt_close_if_overdue(attempt=attempt, now=now).is_open:
            closed += 1
    return closed


def _score(results: dict) -> Decimal:
    return cents(sum((Decimal(r["points"]) for r in results.values() if r.get("points") is not None), Decimal(0)))


def _finish(attempt: QuizAttempt, *, now: datetime, by_deadline: bool) -> QuizAttempt:
    """Score a locked, open attempt and close it (inside the caller's transaction)."""
    quiz = selectors.attempt_quiz_data(attempt) or {"questions": []}
    by_uuid = {q["uuid"]: q for q in quiz["questions"]}
    results = {}
    for qid in attempt.question_order:
        question = by_uuid.get(qid)
        if question is None:
            continue
        points, correct = grade_question(question, attempt.answers.get(qid))
        results[qid] = {
            "points": None if points is None else str(points), "max_points": str(cents(to_decimal(question["points"]))),
            "correct": correct, "needs_grading": points is None,
            "feedback": "No answer was given." if question["kind"] == "essay" and points is not None else "",
        }
    pending = any(r["needs_grading"] for r in results.values())
    attempt.results = results
    attempt.score = _score(results)
    attempt.max_score = cents(sum((Decimal(r["max_points"]) for r in results.values()), Decimal(0)))
    attempt.closed_by_deadline = by_deadline
    attempt.submitted_at = min(now, attempt.deadline_at) if by_deadline and attempt.deadline_at else now
    attempt.status = QuizAttempt.Status.NEEDS_GRADING if pending else QuizAttempt.Status.GRADED
    attempt.graded_at = None if pending else now
    attempt.save()
    _mark_item_complete(attempt)
    return attempt


def _mark_item_complete(attempt: QuizAttempt) -> None:
    """Submitting an attempt completes the quiz item, if it is in the learner's current version."""
    from lms.courses import api as course_selectors

    enrollment = course_selectors.enrollment_get(learner=attempt.learner, course=attempt.course)
    if enrollment is None or enrollment.status == Enrollment.Status.DROPPED:
        return
    if str(attempt.item_uuid) not in course_services.snapshot_item_uuids(enrollment.version.snapshot):
        return
    course_services.progress_item_complete(enrollment=enrollment, item_uuid=attempt.item_uuid)


# --- staff: grading essays ---------------------------------------------------------------------


@transaction.atomic
def attempt_grade(*, attempt: QuizAttempt, grader: User, grades: dict, now: datetime | None = None) -> QuizAttempt:
    """Grade essay answers: grades = {question uuid: {"points": number, "feedback": text}}.
    Once every essay has points the attempt is graded and its score final (regrading later
    changes it)."""
    now = now or timezone.now()
    if not permissions.can_grade(grader, attempt.course):
        raise ValidationError("You cannot grade this course.")
    attempt = _lock(attempt)
    if attempt.status not in (QuizAttempt.Status.NEEDS_GRADING, QuizAttempt.Status.GRADED):
        raise AttemptRefused("This attempt has not been submitted yet.", code="attempt_open")
    if not isinstance(grades, dict) or not grades:
        raise ValidationError({"grades": "Grade at least one essay answer."})
    quiz = selectors.attempt_quiz_data(attempt) or {"questions": []}
    by_uuid = {q["uuid"]: q for q in quiz["questions"]}
    results = dict(attempt.results)
    errors = {}
    for qid, grade in grades.items():
        question = by_uuid.get(str(qid))
        if question is None or str(qid) not in results or question["kind"] != "essay":
            errors[str(qid)] = ["Only the essay questions of this attempt are graded by hand."]
            continue
        if not isinstance(grade, dict):
            errors[str(qid)] = ["Give points and feedback."]
            continue
        maximum = to_decimal(question["points"])
        try:
            points = Decimal(str(grade.get("points")))
        except (InvalidOperation, ValueError):
            points = None
        if points is None or not points.is_finite() or points < 0 or points > maximum:
            errors[str(qid)] = [f"Give between 0 and {cents(maximum)} points."]
            continue
        feedback = str(grade.get("feedback") or "").strip()
        if len(feedback) > 5000:
            errors[str(qid)] = ["Keep feedback to 5,000 characters."]
            continue
        results[str(qid)] = {**results[str(qid)], "points": str(cents(points)), "needs_grading": False,
                             "feedback": feedback}
    if errors:
        raise ValidationError(errors)
    pending = any(r.get("needs_grading") for r in results.values())
    attempt.results = results
    attempt.score = _score(results)
    attempt.grader = grader
    attempt.status = QuizAttempt.Status.NEEDS_GRADING if pending else QuizAttempt.Status.GRADED
    attempt.graded_at = None if pending else now
    attempt.save()
    if not pending:
        _tell_graded(attempt, grader=grader)
    return attempt


def _tell_graded(attempt: QuizAttempt, *, grader: User) -> None:
    """A hand-graded attempt's final score (an attempt scored on submit is shown to the learner at once)."""
    from django.db import connection

    from tenant_apps.notifications.api import notify
    from tenants.api import site_url_for_tenant

    quiz = selectors.attempt_quiz_data(attempt) or {}
    path = f"/courses/{attempt.course.slug}/"
    notify("quiz_graded", [attempt.learner], {
        "course": attempt.course, "quiz_title": quiz.get("title") or "your quiz", "score": attempt.score,
        "max_score": attempt.max_score, "url": site_url_for_tenant(connection.tenant, path)}, url=path, actor=grader)
