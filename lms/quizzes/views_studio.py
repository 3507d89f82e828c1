"""Staff pages: the quiz editor (settings and questions of the draft), attempts per quiz,
the essay grading queue, and one attempt with its grading form.

Editing needs permissions.can_edit; attempts and grading need permissions.can_grade
(teaching assistants included). Anonymous visitors go to the login page; staff of other
courses get 403; unknown courses, quizzes, questions and attempts 404.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.courses import api as permissions

from . import selectors, services
from .forms import KindForm, MoveForm, QuestionForm, QuizSettingsForm
from .models import Question
from .templatetags.quiz_tags import points


def studio_course_url(course) -> str | None:
    for name in ("studio:course", "studio:course-detail", "courses:studio-course"):
        try:
            return reverse(name, kwargs={"slug": course.slug})
        except NoReverseMatch:
            continue
    return None


def _course(request, slug, allowed):
    course = selectors.course_get(slug=slug)
    if course is None:
        raise Http404("No such course")
    if not allowed(request.user, course):
        raise PermissionDenied
    return course


def _quiz(course, quiz_uuid):
    quiz = selectors.quiz_get(course=course, quiz_uuid=quiz_uuid)
    if quiz is None:
        raise Http404("No such quiz")
    return quiz


def _question(quiz, question_uuid):
    question = selectors.question_get(quiz=quiz, question_uuid=question_uuid)
    if question is None:
        raise Http404("No such question")
    return question


def _add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form (errors about "options" go above the option rows)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _editor_context(request, course, quiz, *, settings_form=None):
    return {
        "course": course, "quiz": quiz, "studio_url": studio_course_url(course),
        # Titles often start with "Quiz" already ("Quiz: the basics"): no "Quiz: Quiz: …".
        "quiz_heading": quiz.title if quiz.title.lower().startswith("quiz") else f"Quiz: {quiz.title}",
        "settings_form": settings_form or QuizSettingsForm(instance=quiz),
        "questions": list(selectors.question_list(quiz=quiz)), "problems": selectors.quiz_problems(quiz),
        "kind_form": KindForm(), "used_by": selectors.quiz_items_using(quiz=quiz),
        "can_grade": permissions.can_grade(request.user, course),
    }


@login_required
@require_http_methods(["GET", "POST"])
def quiz_editor(request, slug, quiz_uuid):
    course = _course(request, slug, permissions.can_edit)
    quiz = _quiz(course, quiz_uuid)
    form = None
    if request.method == "POST":
        form = QuizSettingsForm(request.POST, instance=quiz)
        if form.is_valid():
            try:
                services.quiz_update(quiz=quiz, **{k: form.cleaned_data[k] for k in QuizSettingsForm.Meta.fields})
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, "Quiz settings saved. Publish the course for learners to see the changes.")
                return redirect("quizzes:editor", slug=slug, quiz_uuid=quiz_uuid)
        quiz.refresh_from_db()
    status = 400 if form is not None and form.errors else 200
    return render(request, "lms/quizzes/studio/editor.html", _editor_context(request, course, quiz, settings_form=form),
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request, slug, quiz_uuid):
    course = _course(request, slug, permissions.can_edit)
    quiz = _quiz(course, quiz_uuid)
    kind_form = KindForm(request.GET if request.method == "GET" else {"kind": request.POST.get("kind")})
    if not kind_form.is_valid():
        raise Http404("Choose a type of question")
    kind = kind_form.cleaned_data["kind"]
    form = QuestionForm(request.POST if request.method == "POST" else None, kind=kind)
    if request.method == "POST" and not form.adding_option and form.is_valid():
        try:
            services.question_create(quiz=quiz, kind=kind, **form.service_kwargs())
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "Question added.")
            return redirect("quizzes:editor", slug=slug, quiz_uuid=quiz_uuid)
    context = {"course": course, "quiz": quiz, "form": form, "kind": kind, "kind_label": Question.Kind(kind).label,
               "question": None}
    return render(request, "lms/quizzes/studio/question_form.html", context,
                  status=400 if form.errors and not form.adding_option else 200)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request, slug, quiz_uuid, question_uuid):
    course = _course(request, slug, permissions.can_edit)
    quiz = _quiz(course, quiz_uuid)
    question = _question(quiz, question_uuid)
    if request.method == "POST":
        form = QuestionForm(request.POST, kind=question.kind)
        if not form.adding_option and form.is_valid():
            try:
                services.question_update(question=question, **form.service_kwargs())
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, "Question saved.")
                return redirect("quizzes:editor", slug=slug, quiz_uuid=quiz_uuid)
    else:
        form = QuestionForm(initial=QuestionForm.initial_for(question), kind=question.kind)
    context = {"course": course, "quiz": quiz, "form": form, "kind": question.kind, "kind_label": question.get_kind_display(),
               "question": question, "problems": selectors.question_problems(question)}
    return render(request, "lms/quizzes/studio/question_form.html", context,
                  status=400 if form.errors and not form.adding_option else 200)


@login_required
@require_POST
def question_delete(request, slug, quiz_uuid, question_uuid):
    course = _course(request, slug, permissions.can_edit)
    question = _question(_quiz(course, quiz_uuid), question_uuid)
    services.question_delete(question=question)
    messages.success(request, "Question deleted.")
    return redirect("quizzes:editor", slug=slug, quiz_uuid=quiz_uuid)


@login_required
@require_POST
def question_move(request, slug, quiz_uuid, question_uuid):
    course = _course(request, slug, permissions.can_edit)
    question = _question(_quiz(course, quiz_uuid), question_uuid)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose up or down.")
        return redirect("quizzes:editor", slug=slug, quiz_uuid=quiz_uuid)
    services.question_move(question=question, direction=form.cleaned_data["direction"])
    return redirect(reverse("quizzes:editor", kwargs={"slug": slug, "quiz_uuid": quiz_uuid}) + f"#q-{question.uuid}")


# --- attempts and grading ----------------------------------------------------------------------


@login_required
@require_GET
def quiz_attempts(request, slug, quiz_uuid):
    """Attempt history of one quiz, per learner (filter by name or email)."""
    course = _course(request, slug, permissions.can_grade)
    quiz = selectors.quiz_get(course=course, quiz_uuid=quiz_uuid)
    attempts = list(selectors.attempt_list_for_quiz(course=course, quiz_uuid=quiz_uuid, learner_search=request.GET.get("learner", "").strip()[:100]))
    if quiz is None and not attempts and not request.GET.get("learner"):
        raise Http404("No such quiz")
    context = {"course": course, "quiz": quiz, "quiz_uuid": quiz_uuid, "attempts": attempts,
               "learner": request.GET.get("learner", ""), "can_edit": permissions.can_edit(request.user, course)}
    return render(request, "lms/quizzes/studio/attempts.html", context)


@login_required
@require_GET
def grading_queue(request, slug):
    course = _course(request, slug, permissions.can_grade)
    services.attempts_close_overdue(course=course)
    attempts = list(selectors.grading_queue(course=course))
    titles = selectors.quiz_titles(course=course)
    for attempt in attempts:
        attempt.quiz_title = titles.get(str(attempt.quiz_uuid), "Quiz")
    context = {"course": course, "attempts": attempts, "studio_url": studio_course_url(course)}
    return render(request, "lms/quizzes/studio/grading_queue.html", context)


def _attempt_page(request, course, attempt, *, errors=None, posted=None, status=200):
    quiz = selectors.attempt_quiz_data(attempt)
    if quiz is None:
        raise Http404("No such attempt")
    next_attempt = selectors.grading_queue(course=course).exclude(pk=attempt.pk).first()
    data = selectors.attempt_for_staff(attempt=attempt, quiz=quiz)
    context = {
        "course": course, "attempt": data, "errors": errors or {},
        "has_essays": any(q["kind"] == "essay" for q in data["questions"]),
        "posted": posted or {}, "next_attempt": next_attempt,
        "passed": selectors.passed(attempt, quiz),
    }
    return render(request, "lms/quizzes/studio/attempt.html", context, status=status)


def _staff_attempt(course, attempt_uuid):
    attempt = selectors.attempt_get_for_staff(course=course, attempt_uuid=attempt_uuid)
    if attempt is None:
        raise Http404("No such attempt")
    if attempt.is_open:
        attempt = services.attempt_close_if_overdue(attempt=attempt)
    return attempt


@login_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request, slug, attempt_uuid):
    """One attempt with everything (answers, correct answers) and the essay grading form."""
    course = _course(request, slug, permissions.can_grade)
    attempt = _staff_attempt(course, attempt_uuid)
    if request.method == "GET":
        return _attempt_page(request, course, attempt)
    grades = {}
    for key in request.POST:
        if key.startswith("points-"):
            qid = key.removeprefix("points-")
            grades[qid] = {"points": request.POST.get(key, "").strip(), "feedback": request.POST.get(f"feedback-{qid}", "")}
    try:
        attempt = services.attempt_grade(attempt=attempt, grader=request.user, grades=grades)
    except services.AttemptRefused as exc:
        return _attempt_page(request, course, attempt, errors={"__all__": [exc.message]}, status=409)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return _attempt_page(request, course, attempt, errors=errors, posted=grades, status=400)
    if attempt.status == attempt.Status.GRADED:
        messages.success(request, f"Graded: {attempt.learner.email} scored {points(attempt.score)} / {points(attempt.max_score)}.")
        following = selectors.grading_queue(course=course).first()
        if following is not None:
            return redirect("quizzes:attempt", slug=slug, attempt_uuid=following.uuid)
        return redirect("quizzes:grading", slug=slug)
    messages.success(request, "Grades saved; some essay answers are still to grade.")
    return redirect("quizzes:attempt", slug=slug, attempt_uuid=attempt.uuid)
