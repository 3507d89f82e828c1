"""Learner pages: a quiz's start page, taking an attempt (with autosave), results.

The quiz always comes from the course version the learner's enrollment is pinned to; a
course the learner is not enrolled in, or a quiz not in their version, answers 404. Every
question shown goes through selectors.attempt_for_learner, which holds back correct answers
and explanations until the quiz's rule allows them.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .grading import CHOICE_KINDS
from .models import QuizAttempt


def course_page_url(course) -> str | None:
    """The learner's course page, when the learning pages define it."""
    for name in ("learn:course", "courses:course", "learn:course-detail"):
        try:
            return reverse(name, kwargs={"slug": course.slug})
        except NoReverseMatch:
            continue
    return None


def _learner_quiz_or_404(request, slug, quiz_uuid) -> selectors.LearnerQuiz:
    course = selectors.course_get(slug=slug)
    learner_quiz = course and selectors.learner_quiz_get(learner=request.user, course=course, quiz_uuid=quiz_uuid)
    if not learner_quiz:
        raise Http404("No such quiz")
    return learner_quiz


def _attempt_or_404(request, slug, quiz_uuid, attempt_uuid) -> tuple[QuizAttempt, dict]:
    course = selectors.course_get(slug=slug)
    attempt = course and selectors.attempt_get_for_learner(
        learner=request.user, attempt_uuid=attempt_uuid, course=course, quiz_uuid=quiz_uuid)
    quiz = attempt and selectors.attempt_quiz_data(attempt)
    if not attempt or not quiz:
        raise Http404("No such attempt")
    return attempt, quiz


def _close_overdue(attempts: list[QuizAttempt]) -> list[QuizAttempt]:
    now = timezone.now()
    return [services.attempt_close_if_overdue(attempt=a, now=now) if a.is_open else a for a in attempts]


def _start_page(request, learner_quiz, *, error: str = "", status: int = 200):
    attempts = _close_overdue(list(selectors.attempt_list_for_learner(learner=request.user, quiz_uuid=learner_quiz.quiz_uuid)))
    context = {
        "quiz": selectors.quiz_for_learner(learner_quiz=learner_quiz, attempts=attempts),
        "course": learner_quiz.course, "course_url": course_page_url(learner_quiz.course), "error": error,
    }
    return render(request, "lms/quizzes/start.html", context, status=status)


@login_required
@require_GET
def quiz_start_page(request, slug, quiz_uuid):
    return _start_page(request, _learner_quiz_or_404(request, slug, quiz_uuid))


@login_required
@require_POST
def attempt_start(request, slug, quiz_uuid):
    learner_quiz = _learner_quiz_or_404(request, slug, quiz_uuid)
    try:
        started = services.attempt_start(learner_quiz=learner_quiz)
    except services.AttemptRefused as exc:
        return _start_page(request, learner_quiz, error=exc.message, status=409)
    if not started.created:
        messages.info(request, "You already had this attempt in progress.")
    return redirect("quizzes:take", slug=slug, quiz_uuid=quiz_uuid, attempt_uuid=started.attempt.uuid)


def answers_from_post(post, attempt: QuizAttempt, quiz: dict) -> dict:
    """The take form's fields (q-<question uuid>) as the answers of the whole attempt."""
    kinds = {q["uuid"]: q["kind"] for q in quiz.get("questions", [])}
    answers = {}
    for qid in attempt.question_order:
        kind = kinds.get(qid)
        name = f"q-{qid}"
        if kind == "multiple_choice":
            answers[qid] = [v for v in post.getlist(name) if v]
        elif kind in CHOICE_KINDS:
            answers[qid] = [post[name]] if post.get(name) else []
        elif kind is not None:
            answers[qid] = post.get(name, "")
    return answers


def _take_page(request, attempt, quiz, *, errors=(), status=200):
    context = {
        "attempt": selectors.attempt_for_learner(attempt=attempt, quiz=quiz), "attempt_obj": attempt,
        "course": attempt.course, "errors": list(errors), "grace_seconds": int(services.GRACE.total_seconds()),
    }
    return render(request, "lms/quizzes/take.html", context, status=status)


@login_required
@require_GET
def attempt_take(request, slug, quiz_uuid, attempt_uuid):
    attempt, quiz = _attempt_or_404(request, slug, quiz_uuid, attempt_uuid)
    if attempt.is_open:
        attempt = services.attempt_close_if_overdue(attempt=attempt)
        if not attempt.is_open:
            messages.error(request, "Time ran out: the answers saved before the deadline were scored.")
    if not attempt.is_open:
        return redirect("quizzes:results", slug=slug, quiz_uuid=quiz_uuid, attempt_uuid=attempt_uuid)
    return _take_page(request, attempt, quiz)


def _results_url(slug, quiz_uuid, attempt_uuid) -> str:
    return reverse("quizzes:results", kwargs={"slug": slug, "quiz_uuid": quiz_uuid, "attempt_uuid": attempt_uuid})


@login_required
@require_POST
def attempt_save(request, slug, quiz_uuid, attempt_uuid):
    """Autosave (HTMX, answers a status fragment) or the "Save answers" button (redirects back)."""
    attempt, quiz = _attempt_or_404(request, slug, quiz_uuid, attempt_uuid)
    results_url = _results_url(slug, quiz_uuid, attempt_uuid)
    try:
        attempt = services.attempt_answers_save(attempt=attempt, answers=answers_from_post(request.POST, attempt, quiz),
                                                replace=True)
    except services.AttemptRefused as exc:  # time up or already submitted: nothing more is accepted
        if request.htmx:
            response = render(request, "lms/quizzes/_autosave.html", {"error": exc.message}, status=409)
            response["HX-Redirect"] = results_url
            return response
        messages.error(request, exc.message)
        return redirect(results_url)
    except ValidationError as exc:
        if request.htmx:
            return render(request, "lms/quizzes/_autosave.html", {"error": " ".join(exc.messages)}, status=400)
        return _take_page(request, attempt, quiz, errors=exc.messages, status=400)
    if request.htmx:
        return render(request, "lms/quizzes/_autosave.html", {"saved_at": attempt.answers_saved_at})
    messages.success(request, "Your answers were saved.")
    return redirect("quizzes:take", slug=slug, quiz_uuid=quiz_uuid, attempt_uuid=attempt_uuid)


@login_required
@require_POST
def attempt_submit(request, slug, quiz_uuid, attempt_uuid):
    attempt, quiz = _attempt_or_404(request, slug, quiz_uuid, attempt_uuid)
    try:
        attempt = services.attempt_submit(attempt=attempt, answers=answers_from_post(request.POST, attempt, quiz),
                                          replace=True)
    except services.TimeUp as exc:
        messages.error(request, exc.message)
    except services.AttemptRefused as exc:
        messages.info(request, exc.message)
    except ValidationError as exc:
        return _take_page(request, attempt, quiz, errors=exc.messages, status=400)
    else:
        if attempt.status == QuizAttempt.Status.NEEDS_GRADING:
            messages.success(request, "Submitted. Your essay answers will be graded by the course staff.")
        else:
            messages.success(request, "Submitted.")
    return redirect("quizzes:results", slug=slug, quiz_uuid=quiz_uuid, attempt_uuid=attempt_uuid)


@login_required
@require_GET
def attempt_results(request, slug, quiz_uuid, attempt_uuid):
    attempt, quiz = _attempt_or_404(request, slug, quiz_uuid, attempt_uuid)
    if attempt.is_open:
        attempt = services.attempt_close_if_overdue(attempt=attempt)
        if attempt.is_open:
            return redirect("quizzes:take", slug=slug, quiz_uuid=quiz_uuid, attempt_uuid=attempt_uuid)
    context = {
        "attempt": selectors.attempt_for_learner(attempt=attempt, quiz=quiz), "course": attempt.course,
        "quiz_url": reverse("quizzes:start", kwargs={"slug": slug, "quiz_uuid": quiz_uuid}),
    }
    return render(request, "lms/quizzes/results.html", context)

