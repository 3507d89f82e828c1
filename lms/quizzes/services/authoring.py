"""Staff editing a quiz's draft: quizzes, questions, order, restore from a version."""
from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lms.courses.api import Course

from .. import selectors
from ..grading import parse_number, pattern_check, to_decimal
from ..models import Question, Quiz
from .policy import MAX_OPTIONS, MAX_OPTION_LENGTH, MAX_POINTS, MAX_VARIANTS, MAX_VARIANT_LENGTH, QUIZ_FIELDS, QuizInUse, TRUE_FALSE_OPTIONS


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
