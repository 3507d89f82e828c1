"""Writes for quizzes: staff editing the draft, learners' attempts, essay grading.

Policies (also shown on the pages):
- Time limit: `deadline_at` = start + time limit, and never later than the quiz's due date.
  Answers saved or submitted after `deadline_at` + GRACE are refused; the attempt is then
  closed and scored with the answers saved in time (`closed_by_deadline`). Overdue attempts
  are also closed when their learner or staff next look, and by a task queued for the
  deadline.
- Due date: no attempt can start once it has passed.
- Attempts allowed counts every attempt at the quiz, across course versions.
- Completion: the quiz's content item is marked complete for the learner when an attempt is
  submitted (passed or not; pass/fail is part of the grade, not of progress).
- Multiple choice scoring: partial credit, right minus wrong (see grading.py).
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from lms.courses import api as permissions
from lms.courses import api as course_services
from lms.courses.api import Course, Enrollment
from tenants.api import NUL_IN_TEXT

from . import selectors
from .grading import CHOICE_KINDS, cents, grade_question, parse_number, pattern_check, to_decimal
from .models import Question, Quiz, QuizAttempt
from .selectors import LearnerQuiz

GRACE = timedelta(seconds=5)
TRUE_FALSE_OPTIONS = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 500
MAX_VARIANTS = 30
MAX_VARIANT_LENGTH = 200
MAX_TEXT_ANSWER = 500
MAX_ESSAY = 20_000
MAX_POINTS = Decimal("1000")
QUIZ_FIELDS = {"title", "instructions", "attempts_allowed", "time_limit_minutes", "shuffle_questions", "shuffle_options",
               "passing_percent", "show_answers", "due_at"}


class AttemptRefused(Exception):
    """The attempt cannot do this now (attempts used up, quiz closed, already submitted): 409."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message, self.code = message, code


class TimeUp(AttemptRefused):
    """Answers arrived after the deadline: refused; the attempt is closed with what was saved."""

    def __init__(self, attempt: QuizAttempt | None = None):
        super().__init__("Time is up: these answers were not accepted. The attempt was scored with the answers saved "
                         "before the deadline.", code="time_up")
        self.attempt = attempt


class QuizInUse(AttemptRefused):
    pass


# --- staff: the draft quiz -------------------------------------------------------------------


def _quiz_clean(quiz: Quiz) -> None:
    if quiz.title is not None:
        quiz.title = quiz.title.strip()
    quiz.full_clean(exclude=["course"])


@transaction.atomic
def quiz_create(*, course: Course, title: str, **fields) -> Quiz:
    unknown = set(fields) - QUIZ_FIELDS
    if unknown:
        raise ValueError(f"unknown quiz fields: {sorted(unknown)}")
    quiz = Quiz(course=course, title=(title or "").strip() or "Quiz", **fields)
    _quiz_clean(quiz)
    quiz.save()
    return quiz


@transaction.atomic
def quiz_update(*, quiz: Quiz, **fields) -> Quiz:
    unknown = set(fields) - QUIZ_FIELDS
    if unknown:
        raise ValueError(f"unknown quiz fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(quiz, name, value)
    _quiz_clean(quiz)
    quiz.save()
    return quiz


@transaction.atomic
def quiz_delete(*, quiz: Quiz) -> None:
    """Delete a draft quiz; refused while a content item of the course embeds it.
    Published versions keep their own copy, so learners' attempts are unaffected."""
    using = selectors.quiz_items_using(quiz=quiz)
    if using:
        raise QuizInUse(f"The quiz is used by the item “{using[0]}”; remove that item from the course first.",
                        code="quiz_in_use")
    quiz.delete()


def _clean_points(value) -> Decimal:
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"points": "Enter a number of points."}) from None
    if not points.is_finite() or points <= 0 or points > MAX_POINTS:
        raise ValidationError({"points": f"Points must be more than 0 and at most {MAX_POINTS}."})
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError({"points": "Use at most two decimal places."})
    return points


def _clean_text_list(values, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.splitlines()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError({field: "Give a list of texts."})
    cleaned = []
    for value in values:
        value = " ".join(value.split())
        if not value:
            continue
        if len(value) > MAX_VARIANT_LENGTH:
            raise ValidationError({field: f"Keep each accepted answer to {MAX_VARIANT_LENGTH} characters."})
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_VARIANTS:
        raise ValidationError({field: f"At most {MAX_VARIANTS} accepted answers."})
    return cleaned


def _clean_options(options, existing: list[dict]) -> tuple[list[dict], list[str]]:
    """Options [{id?, text, correct?}] -> ([{id, text}], correct ids). Ids of unchanged options
    are kept: by id when given, else by matching text."""
    if options is None:
        options = []
    if not isinstance(options, list):
        raise ValidationError({"options": "Give a list of options."})
    if len(options) > MAX_OPTIONS:
        raise ValidationError({"options": f"At most {MAX_OPTIONS} options."})
    free = {o["id"]: o["text"] for o in existing}
    by_text = {}
    for oid, text in free.items():
        by_text.setdefault(text, oid)
    cleaned, correct, seen_text = [], [], set()
    for number, option in enumerate(options, start=1):
        if isinstance(option, str):
            option = {"text": option}
        if not isinstance(option, dict):
            raise ValidationError({"options": f"Option {number} is not valid."})
        text = " ".join(str(option.get("text") or "").split())
        if not text:
            raise ValidationError({"options": f"Option {number} is empty."})
        if len(text) > MAX_OPTION_LENGTH:
            raise ValidationError({"options": f"Keep option {number} to {MAX_OPTION_LENGTH} characters."})
        if text.casefold() in seen_text:
            raise ValidationError({"options": f"Option {number} repeats an earlier option."})
        seen_text.add(text.casefold())
        oid = option.get("id")
        if oid is not None and (not isinstance(oid, str) or oid not in free):
            raise ValidationError({"options": f"Option {number} has an unknown id; leave it out for a new option."})
        if oid is None and text in by_text and by_text[text] in free:
            oid = by_text[text]
        while oid is None or (oid not in free and oid in ({c["id"] for c in cleaned} | set(by_text.values()))):
            oid = secrets.token_hex(4)
        free.pop(oid, None)
        cleaned.append({"id": oid, "text": text})
        if option.get("correct"):
            correct.append(oid)
    return cleaned, correct


def _question_payload(kind: str, *, options, answer, existing_options: list[dict]) -> tuple[list[dict], dict]:
    """Validate the kind-specific part of a question; returns what is stored (options, answer).

    Input per kind (drafts may leave the correct answer out; publishing checks it):
      single_choice / multiple_choice: options [{id?, text, correct: bool}]
      true_false: answer {"correct": true | false}
      fill_blank: answer {"accepted": [texts]}
      numeric: answer {"value": number, "tolerance": number >= 0}
      short_answer: answer {"mode": "exact", "accepted": [texts]} or
                    {"mode": "pattern", "pattern": regex, "case_sensitive": bool}
      essay: answer {"guidance": text for graders}
    """
    answer = answer or {}
    if not isinstance(answer, dict):
        raise ValidationError({"answer": "Give the answer as an object."})
    if kind in ("single_choice", "multiple_choice"):
        stored, correct = _clean_options(options, existing_options)
        if kind == "single_choice" and len(correct) > 1:
            raise ValidationError({"options": "A single-choice question has exactly one correct option."})
        return stored, {"correct": correct}
    if options:
        raise ValidationError({"options": "Only choice questions have options."})
    if kind == "true_false":
        value = answer.get("correct")
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else None
        if value in ("true", "false"):
            value = value == "true"
        if value is not None and not isinstance(value, bool):
            raise ValidationError({"answer": "The correct answer is true or false."})
        return list(TRUE_FALSE_OPTIONS), {"correct": [] if value is None else ["true" if value else "false"]}
    if kind == "fill_blank":
        return [], {"accepted": _clean_text_list(answer.get("accepted"), "answer")}
    if kind == "numeric":
        value, tolerance = answer.get("value"), answer.get("tolerance")
        stored = {"value": None, "tolerance": "0"}
        if value not in (None, ""):
            number = parse_number(value) if not isinstance(value, bool) else None
            if number is None:
                raise ValidationError({"answer": "The correct value must be a number."})
            stored["value"] = str(number)
        if tolerance not in (None, ""):
            number = parse_number(tolerance) if not isinstance(tolerance, bool) else None
            if number is None or number < 0:
                raise ValidationError({"answer": "The tolerance must be a number, 0 or more."})
            stored["tolerance"] = str(number)
        return [], stored
    if kind == "short_answer":
        mode = answer.get("mode") or ("pattern" if answer.get("pattern") else "exact")
        if mode == "pattern":
            pattern = answer.get("pattern") or ""
            if not isinstance(pattern, str):
                raise ValidationError({"answer": "The pattern must be text."})
            message = pattern_check(pattern) if pattern else None
            if message:
                raise ValidationError({"answer": message})
            return [], {"mode": "pattern", "pattern": pattern, "case_sensitive": bool(answer.get("case_sensitive"))}
        if mode != "exact":
            raise ValidationError({"answer": "The mode is exact or pattern."})
        return [], {"mode": "exact", "accepted": _clean_text_list(answer.get("accepted"), "answer")}
    if kind == "essay":
        guidance = answer.get("guidance") or ""
        if not isinstance(guidance, str) or len(guidance) > 5000:
            raise ValidationError({"answer": "Keep the grading guidance to 5,000 characters."})
        return [], {"guidance": guidance.strip()}
    raise ValidationError({"kind": f"Unknown question type “{kind}”."})


def _question_fill(question: Question, *, prompt, points, explanation, options, answer) -> None:
    prompt = (prompt or "").strip()
    if not prompt:
        raise ValidationError({"prompt": "Write the question."})
    if len(prompt) > 10_000 or len(explanation or "") > 10_000:
        raise ValidationError({"prompt": "Keep the question and explanation to 10,000 characters each."})
    question.prompt = prompt
    question.points = _clean_points(points)
    question.explanation = (explanation or "").strip()
    question.options, question.answer = _question_payload(
        question.kind, options=options, answer=answer, existing_options=question.options or [])


@transaction.atomic
def question_create(*, quiz: Quiz, kind: str, prompt: str, points=1, explanation: str = "", options=None,
                    answer: dict | None = None) -> Question:
    if kind not in Question.Kind.values:
        raise ValidationError({"kind": f"Unknown question type “{kind}”."})
    question = Question(quiz=quiz, kind=kind, options=[])
    _question_fill(question, prompt=prompt, points=points, explanation=explanation, options=options, answer=answer)
    question.position = (quiz.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question.save()
    Quiz.objects.filter(pk=quiz.pk).update(updated_at=timezone.now())
    return question


@transaction.atomic
def question_update(*, question: Question, **fields) -> Question:
    """Change a question (its kind stays). Fields left out keep their values."""
    unknown = set(fields) - {"prompt", "points", "explanation", "options", "answer"}
    if unknown:
        raise ValueError(f"unknown question fields: {sorted(unknown)}")
    current_options = question.options or []
    if question.kind in ("single_choice", "multiple_choice") and "options" not in fields:
        correct = set(question.answer.get("correct") or [])
        fields["options"] = [{"id": o["id"], "text": o["text"], "correct": o["id"] in correct} for o in current_options]
    if question.kind == "true_false" and "answer" not in fields:
        correct = question.answer.get("correct") or []
        fields["answer"] = {"correct": (correct[0] == "true") if correct else None}
    _question_fill(
        question,
        prompt=fields.get("prompt", question.prompt), points=fields.get("points", question.points),
        explanation=fields.get("explanation", question.explanation),
        options=fields.get("options") if question.kind in ("single_choice", "multiple_choice") else None,
        answer=fields.get("answer", question.answer),
    )
    question.save()
    Quiz.objects.filter(pk=question.quiz_id).update(updated_at=timezone.now())
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    quiz = question.quiz
    question.delete()
    _renumber(quiz, [q.pk for q in quiz.questions.order_by("position", "id")])


def _renumber(quiz: Quiz, ordered_pks: list[int]) -> None:
    for position, pk in enumerate(ordered_pks, start=1):
        Question.objects.filter(pk=pk, quiz=quiz).update(position=position)
    Quiz.objects.filter(pk=quiz.pk).update(updated_at=timezone.now())


@transaction.atomic
def question_reorder(*, quiz: Quiz, ordered_uuids: list) -> None:
    current = dict(quiz.questions.values_list("uuid", "pk"))
    try:
        wanted = [UUID(str(u)) for u in ordered_uuids]
    except ValueError:
        raise ValidationError({"order": "List the questions by their ids."}) from None
    if sorted(map(str, wanted)) != sorted(map(str, current)):
        raise ValidationError({"order": "The new order must list every question of the quiz exactly once."})
    _renumber(quiz, [current[u] for u in wanted])


@transaction.atomic
def question_move(*, question: Question, direction: str) -> None:
    quiz = question.quiz
    pks = list(quiz.questions.order_by("position", "id").values_list("pk", flat=True))
    i = pks.index(question.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(pks):
        pks[i], pks[j] = pks[j], pks[i]
    _renumber(quiz, pks)


@transaction.atomic
def quiz_restore(*, course: Course, data: dict) -> Quiz:
    """Make the draft quiz match a published snapshot (rollback), keeping its uuids."""
    quiz_uuid = UUID(data["uuid"])
    quiz = Quiz.objects.filter(uuid=quiz_uuid).first()
    if quiz is not None and quiz.course_id != course.pk:
        quiz = None
        quiz_uuid = None  # a uuid taken by another course's quiz: restore under a new one
    if quiz is None:
        quiz = Quiz(course=course, **({"uuid": quiz_uuid} if quiz_uuid else {}))
    for name in QUIZ_FIELDS - {"due_at"}:
        if name in data:
            setattr(quiz, name, data[name])
    quiz.due_at = selectors.quiz_due_at(data)
    quiz.save()
    quiz.questions.all().delete()
    taken = set(Question.objects.filter(uuid__in=[q["uuid"] for q in data.get("questions", [])]).values_list("uuid", flat=True))
    for position, q in enumerate(data.get("questions", []), start=1):
        uuid_kwargs = {} if UUID(q["uuid"]) in taken else {"uuid": UUID(q["uuid"])}
        Question.objects.create(
            quiz=quiz, position=position, kind=q["kind"], prompt=q.get("prompt", ""), options=q.get("options") or [],
            answer=q.get("answer") or {}, explanation=q.get("explanation", ""), points=to_decimal(q["points"]),
            **uuid_kwargs,
        )
    return quiz


# --- learners: attempts ------------------------------------------------------------------------


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
    from .tasks import attempt_close_overdue_task

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
    return attempt

