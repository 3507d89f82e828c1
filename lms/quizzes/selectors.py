"""Reads for quizzes: the draft for staff, the pinned published quiz for learners, attempts,
the grading queue, and the scores the gradebook consumes.

Everything a learner is sent about a quiz goes through `question_for_learner` (questions),
`quiz_for_learner` (settings and attempt history) and `attempt_for_learner` (one attempt):
they build learner payloads from an allow-list of keys, and correct answers and
explanations are added in exactly one place, gated by `reveal_allowed`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lms.courses import api as course_selectors
from lms.courses.api import Course, CourseVersion, Enrollment

from .grading import CHOICE_KINDS, cents, pattern_check, to_decimal
from .models import Question, Quiz, QuizAttempt, ShowAnswers

# --- staff: the draft ----------------------------------------------------------------------


def course_get(*, slug: str) -> Course | None:
    """A course by slug, draft or published (staff pages check permissions themselves)."""
    return Course.objects.filter(slug=slug).first()


def quiz_list_for_course(*, course: Course) -> QuerySet[Quiz]:
    return Quiz.objects.filter(course=course).annotate(question_count=Count("questions")).order_by("title", "id")


def quiz_get(*, course: Course, quiz_uuid) -> Quiz | None:
    return Quiz.objects.filter(course=course, uuid=quiz_uuid).select_related("course").first()


def question_list(*, quiz: Quiz) -> QuerySet[Question]:
    return quiz.questions.order_by("position", "id")


def question_get(*, quiz: Quiz, question_uuid) -> Question | None:
    return quiz.questions.filter(uuid=question_uuid).first()


def quiz_items_using(*, quiz: Quiz) -> list[str]:
    """Titles of the course's draft content items that embed this quiz."""
    from lms.courses.api import ContentItem

    return list(ContentItem.objects.filter(kind=ContentItem.Kind.QUIZ, ref_uuid=quiz.uuid).values_list("title", flat=True))


def question_problems(question: Question | dict) -> list[str]:
    """What keeps one question from being published ([] if nothing)."""
    q = question if isinstance(question, dict) else {
        "kind": question.kind, "prompt": question.prompt, "options": question.options, "answer": question.answer,
        "points": question.points,
    }
    kind, answer, options = q["kind"], q.get("answer") or {}, q.get("options") or []
    problems = []
    if not str(q.get("prompt") or "").strip():
        problems.append("has no question text")
    if to_decimal(q.get("points") or 0) <= 0:
        problems.append("must be worth more than 0 points")
    option_ids = {o.get("id") for o in options}
    correct = answer.get("correct") or []
    if kind in ("single_choice", "multiple_choice"):
        if len(options) < 2:
            problems.append("needs at least two options")
        if not correct:
            problems.append("has no correct option")
        elif any(c not in option_ids for c in correct):
            problems.append("marks as correct an option that does not exist")
        elif kind == "single_choice" and len(correct) != 1:
            problems.append("is single choice but marks more than one option correct")
    elif kind == "true_false":
        if len(correct) != 1 or correct[0] not in ("true", "false"):
            problems.append("has no correct answer (true or false)")
    elif kind == "fill_blank":
        if not [a for a in answer.get("accepted") or [] if str(a).strip()]:
            problems.append("has no accepted answer")
    elif kind == "numeric":
        if answer.get("value") in (None, ""):
            problems.append("has no correct value")
    elif kind == "short_answer":
        if answer.get("mode") == "pattern":
            message = pattern_check(answer.get("pattern", ""))
            if message:
                problems.append(f"has an unusable pattern: {message}")
        elif not [a for a in answer.get("accepted") or [] if str(a).strip()]:
            problems.append("has no accepted answer")
    return problems


def quiz_problems(quiz: Quiz) -> list[str]:
    """Human-readable reasons the quiz cannot be published yet ([] when it can)."""
    problems = []
    questions = list(quiz.questions.all())
    if not questions:
        problems.append("Add at least one question.")
    if quiz.show_answers == ShowAnswers.AFTER_DUE_DATE and quiz.due_at is None:
        problems.append("Answers are shown after the due date, but the quiz has no due date.")
    for number, question in enumerate(questions, start=1):
        problems.extend(f"Question {number} {p}." for p in question_problems(question))
    return problems


# --- learners: the quiz of their pinned version --------------------------------------------


@dataclass
class LearnerQuiz:
    """A quiz as one learner sees it: from the course version their enrollment is pinned to."""

    course: Course
    enrollment: Enrollment
    item: dict  # the content item of the snapshot that embeds the quiz
    quiz: dict  # publishing.snapshot(): settings + questions INCLUDING answers (never send as is)

    @property
    def quiz_uuid(self) -> str:
        return self.quiz["uuid"]

    @property
    def version_number(self) -> int:
        return self.enrollment.version.number


def snapshot_find_quiz(snapshot: dict, quiz_uuid) -> tuple[dict, dict] | None:
    """(content item, quiz data) of the quiz in a course version's snapshot, or None."""
    wanted = str(quiz_uuid)
    for module in snapshot.get("modules", []):
        for lesson in module["lessons"]:
            for item in lesson["items"]:
                if item.get("kind") == "quiz" and item.get("ref_uuid") == wanted and item.get("data"):
                    return item, item["data"]
    return None


def learner_quiz_get(*, learner: User, course: Course, quiz_uuid) -> LearnerQuiz | None:
    """The quiz from the learner's pinned version; None unless enrolled (and not dropped)."""
    enrollment = course_selectors.enrollment_get(learner=learner, course=course)
    if enrollment is None or enrollment.status == Enrollment.Status.DROPPED:
        return None
    found = snapshot_find_quiz(enrollment.version.snapshot, quiz_uuid)
    if found is None:
        return None
    return LearnerQuiz(course=course, enrollment=enrollment, item=found[0], quiz=found[1])


def learner_quiz_locate(*, learner: User, quiz_uuid) -> LearnerQuiz | None:
    """The same, from the quiz uuid alone (API): the course is the draft quiz's, or that of
    the learner's earlier attempts when the draft is gone."""
    if not learner.is_authenticated:
        return None
    course_ids = set(Quiz.objects.filter(uuid=quiz_uuid).values_list("course_id", flat=True))
    course_ids |= set(QuizAttempt.objects.filter(learner=learner, quiz_uuid=quiz_uuid).values_list("course_id", flat=True))
    for course in Course.objects.filter(pk__in=course_ids):
        found = learner_quiz_get(learner=learner, course=course, quiz_uuid=quiz_uuid)
        if found is not None:
            return found
    return None


def attempt_quiz_data(attempt: QuizAttempt, *, learner_quiz: LearnerQuiz | None = None) -> dict | None:
    """The quiz as it was in the version the attempt was made against."""
    if learner_quiz is not None and learner_quiz.version_number == attempt.version_number \
            and learner_quiz.quiz_uuid == str(attempt.quiz_uuid):
        return learner_quiz.quiz
    snapshot = (
        CourseVersion.objects.filter(course_id=attempt.course_id, number=attempt.version_number)
        .values_list("snapshot", flat=True).first()
    )
    found = snapshot_find_quiz(snapshot or {}, attempt.quiz_uuid)
    return found[1] if found else None


def attempt_list_for_learner(*, learner: User, quiz_uuid) -> QuerySet[QuizAttempt]:
    return QuizAttempt.objects.filter(learner=learner, quiz_uuid=quiz_uuid).order_by("-number")


def attempt_get_for_learner(*, learner: User, attempt_uuid, course: Course | None = None,
                            quiz_uuid=None) -> QuizAttempt | None:
    if not learner.is_authenticated:
        return None
    qs = QuizAttempt.objects.filter(learner=learner, uuid=attempt_uuid)
    if course is not None:
        qs = qs.filter(course=course)
    if quiz_uuid is not None:
        qs = qs.filter(quiz_uuid=quiz_uuid)
    return qs.select_related("course").first()


def quiz_due_at(quiz: dict) -> datetime | None:
    return parse_datetime(quiz["due_at"]) if quiz.get("due_at") else None


def reveal_allowed(*, quiz: dict, attempt: QuizAttempt | None, now: datetime | None = None) -> bool:
    """May this learner see correct answers and explanations for this attempt now?

    never: never. after_submission: once the attempt is submitted. after_due_date: once the
    attempt is submitted and the quiz's due date has passed. An attempt in progress: never.
    """
    if attempt is None or attempt.status == QuizAttempt.Status.IN_PROGRESS:
        return False
    rule = quiz.get("show_answers")
    if rule == ShowAnswers.AFTER_SUBMISSION:
        return True
    if rule == ShowAnswers.AFTER_DUE_DATE:
        due = quiz_due_at(quiz)
        return due is not None and (now or timezone.now()) >= due
    return False


def correct_answer_display(question: dict) -> dict:
    """The correct answer of a question snapshot, for people allowed to see it."""
    kind, answer = question["kind"], question.get("answer") or {}
    if kind in CHOICE_KINDS:
        ids = list(answer.get("correct") or [])
        texts = {o["id"]: o["text"] for o in question.get("options") or []}
        return {"options": ids, "text": "; ".join(texts.get(i, i) for i in ids)}
    if kind == "fill_blank" or (kind == "short_answer" and answer.get("mode") != "pattern"):
        accepted = list(answer.get("accepted") or [])
        return {"accepted": accepted, "text": " / ".join(accepted)}
    if kind == "short_answer":
        # A regular expression means nothing to a learner: show the listed answers as examples, if any.
        accepted = list(answer.get("accepted") or [])
        return {"accepted": accepted, "text": ("For example: " + " / ".join(accepted)) if accepted else ""}
    if kind == "numeric":
        value, tolerance = answer.get("value"), answer.get("tolerance") or "0"
        text = f"{value}" if to_decimal(tolerance) == 0 else f"{value} (± {tolerance})"
        return {"value": value, "tolerance": tolerance, "text": text}
    return {"text": answer.get("guidance", "")}


def question_for_learner(question: dict, *, reveal: bool, option_order: list[str] | None = None) -> dict:
    """THE learner view of one question snapshot. Without `reveal` nothing of `answer` or
    `explanation` is copied: only the keys listed here leave the server."""
    data = {
        "uuid": question["uuid"], "kind": question["kind"], "prompt": question.get("prompt", ""),
        "points": question["points"], "options": [],
    }
    if question["kind"] in CHOICE_KINDS:
        options = [{"id": o["id"], "text": o["text"]} for o in question.get("options") or []]
        if option_order:
            rank = {oid: i for i, oid in enumerate(option_order)}
            options.sort(key=lambda o: rank.get(o["id"], len(rank)))
        data["options"] = options
    if reveal:
        data["correct_answer"] = correct_answer_display(question)
        data["explanation"] = question.get("explanation", "")
    return data


def quiz_total_points(quiz: dict) -> Decimal:
    return cents(sum((to_decimal(q["points"]) for q in quiz.get("questions", [])), Decimal(0)))


def passed(attempt: QuizAttempt, quiz: dict) -> bool | None:
    """Pass/fail of a graded attempt against the quiz's passing percentage (None until graded)."""
    if attempt.status != QuizAttempt.Status.GRADED or attempt.score is None or not attempt.max_score:
        return None
    return attempt.score * 100 >= attempt.max_score * int(quiz.get("passing_percent") or 0)


def attempt_summary(attempt: QuizAttempt, quiz: dict) -> dict:
    return {
        "uuid": str(attempt.uuid), "number": attempt.number, "status": attempt.status,
        "version_number": attempt.version_number, "started_at": attempt.started_at,
        "deadline_at": attempt.deadline_at, "submitted_at": attempt.submitted_at,
        "closed_by_deadline": attempt.closed_by_deadline,
        "score": attempt.score if attempt.status != QuizAttempt.Status.IN_PROGRESS else None,
        "max_score": attempt.max_score if attempt.status != QuizAttempt.Status.IN_PROGRESS else None,
        "percent": round(attempt.percent, 1) if attempt.status == QuizAttempt.Status.GRADED and attempt.percent is not None else None,
        "passed": passed(attempt, quiz),
    }


def quiz_for_learner(*, learner_quiz: LearnerQuiz, attempts: list[QuizAttempt], now: datetime | None = None) -> dict:
    """Settings and attempt history, without any question (those come with an attempt)."""
    now = now or timezone.now()
    quiz = learner_quiz.quiz
    due = quiz_due_at(quiz)
    allowed = quiz.get("attempts_allowed")
    used = len(attempts)
    open_attempt = next((a for a in attempts if a.is_open), None)
    closed = due is not None and now >= due
    left = None if allowed is None else max(0, allowed - used)
    if open_attempt is not None:
        blocked = ""
    elif closed:
        blocked = "The quiz closed on its due date."
    elif left == 0:
        blocked = f"You have used all {allowed} attempt{'s' if allowed != 1 else ''}."
    else:
        blocked = ""
    return {
        "uuid": quiz["uuid"], "title": quiz["title"], "instructions": quiz.get("instructions", ""),
        "course": learner_quiz.course.slug, "version_number": learner_quiz.version_number,
        "question_count": len(quiz.get("questions", [])), "total_points": quiz_total_points(quiz),
        "attempts_allowed": allowed, "attempts_used": used, "attempts_left": left,
        "time_limit_minutes": quiz.get("time_limit_minutes"), "passing_percent": quiz.get("passing_percent"),
        "show_answers": quiz.get("show_answers"), "due_at": due, "is_closed": closed,
        "can_start": open_attempt is None and not blocked, "start_blocked_reason": blocked,
        "open_attempt": str(open_attempt.uuid) if open_attempt else None,
        "attempts": [attempt_summary(a, quiz) for a in attempts],
    }


def _result_for_learner(result: dict | None, *, kind: str, reveal: bool) -> dict | None:
    if result is None:
        return None
    if reveal:
        return {"points": result.get("points"), "max_points": result.get("max_points"), "correct": result.get("correct"),
                "needs_grading": bool(result.get("needs_grading")), "feedback": result.get("feedback", "")}
    if kind == "essay":  # the grader's verdict on the learner's own text is not an answer key
        return {"points": result.get("points"), "max_points": result.get("max_points"), "correct": None,
                "needs_grading": bool(result.get("needs_grading")), "feedback": result.get("feedback", "")}
    return {"points": None, "max_points": result.get("max_points"), "correct": None, "needs_grading": False,
            "feedback": ""}


def attempt_for_learner(*, attempt: QuizAttempt, quiz: dict, now: datetime | None = None) -> dict:
    """One attempt as its learner may see it: questions in the attempt's order, their own
    answers, and per-question results only as far as the reveal rule allows."""
    now = now or timezone.now()
    reveal = reveal_allowed(quiz=quiz, attempt=attempt, now=now)
    by_uuid = {q["uuid"]: q for q in quiz.get("questions", [])}
    questions = []
    for qid in attempt.question_order:
        question = by_uuid.get(qid)
        if question is None:
            continue
        data = question_for_learner(question, reveal=reveal, option_order=attempt.option_order.get(qid))
        data["response"] = attempt.answers.get(qid)
        data["result"] = None if attempt.is_open else _result_for_learner(
            attempt.results.get(qid), kind=question["kind"], reveal=reveal)
        questions.append(data)
    seconds_left = None
    if attempt.is_open and attempt.deadline_at is not None:
        seconds_left = max(0, int((attempt.deadline_at - now).total_seconds()))
    return attempt_summary(attempt, quiz) | {
        "quiz_uuid": str(attempt.quiz_uuid), "quiz_title": quiz.get("title", ""), "seconds_left": seconds_left,
        "answers_saved_at": attempt.answers_saved_at, "answers_revealed": reveal,
        "passing_percent": quiz.get("passing_percent"), "questions": questions,
    }


# --- staff: attempts, grading queue, gradebook ---------------------------------------------


def grading_queue(*, course: Course) -> QuerySet[QuizAttempt]:
    """Submitted attempts of the course with essay answers still to grade, oldest first."""
    return (
        QuizAttempt.objects.filter(course=course, status=QuizAttempt.Status.NEEDS_GRADING)
        .select_related("learner").order_by("submitted_at", "id")
    )


def attempt_list_for_quiz(*, course: Course, quiz_uuid, learner_search: str = "") -> QuerySet[QuizAttempt]:
    qs = QuizAttempt.objects.filter(course=course, quiz_uuid=quiz_uuid).select_related("learner", "grader")
    if learner_search:
        qs = qs.filter(Q(learner__email__icontains=learner_search) | Q(learner__first_name__icontains=learner_search)
                       | Q(learner__last_name__icontains=learner_search))
    return qs.order_by("learner__email", "number")


def attempt_get_for_staff(*, course: Course, attempt_uuid) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(course=course, uuid=attempt_uuid).select_related("learner", "grader", "course").first()


def quiz_titles(*, course: Course) -> dict[str, str]:
    """Draft titles by quiz uuid (staff lists)."""
    return {str(u): t for u, t in Quiz.objects.filter(course=course).values_list("uuid", "title")}


def attempt_for_staff(*, attempt: QuizAttempt, quiz: dict) -> dict:
    """Everything about an attempt, correct answers included: for course staff only."""
    by_uuid = {q["uuid"]: q for q in quiz.get("questions", [])}
    questions = []
    for qid in attempt.question_order:
        question = by_uuid.get(qid)
        if question is None:
            continue
        options = [{"id": o["id"], "text": o["text"]} for o in question.get("options") or []]
        questions.append({
            "uuid": qid, "kind": question["kind"], "prompt": question.get("prompt", ""), "points": question["points"],
            "options": options, "correct_answer": correct_answer_display(question),
            "explanation": question.get("explanation", ""), "response": attempt.answers.get(qid),
            "result": attempt.results.get(qid),
        })
    return attempt_summary(attempt, quiz) | {
        "quiz_uuid": str(attempt.quiz_uuid), "quiz_title": quiz.get("title", ""), "learner": attempt.learner.email,
        "grader": attempt.grader.email if attempt.grader else None, "graded_at": attempt.graded_at,
        "questions": questions,
    }


def quiz_scores_for_course(*, course: Course, learner_id: int | None = None
                           ) -> dict[tuple[int, UUID], tuple[Decimal, Decimal, datetime]]:
    """For the gradebook: {(learner_id, quiz_uuid): (score, max_score, graded_at)}, one entry
    per learner and quiz that has at least one fully graded attempt, taken from the best one
    (highest score / max_score; ties go to the earlier attempt). Attempts waiting for essay
    grading or still in progress are left out. One query. `learner_id`: only that learner's."""
    best: dict[tuple[int, UUID], QuizAttempt] = {}
    rows = QuizAttempt.objects.filter(course=course, status=QuizAttempt.Status.GRADED, score__isnull=False)
    if learner_id is not None:
        rows = rows.filter(learner_id=learner_id)
    rows = (
        rows.only("learner_id", "quiz_uuid", "score", "max_score", "graded_at", "number").order_by("number")
    )
    for attempt in rows:
        key = (attempt.learner_id, attempt.quiz_uuid)
        current = best.get(key)
        if current is None or _ratio(attempt) > _ratio(current):
            best[key] = attempt
    return {key: (a.score, a.max_score, a.graded_at) for key, a in best.items()}


def _ratio(attempt: QuizAttempt) -> Decimal:
    return attempt.score / attempt.max_score if attempt.max_score else Decimal(0)

