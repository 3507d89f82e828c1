"""Assignment pages: the learner's assignment page and submissions, submitted files, and the
staff side (assignment editor, grading queue and grade page, posting, categories, gradebook).

Learners read the assignment from the course version they are pinned to and only ever see
posted grades. Staff pages need a course role: no role at all answers 404 (nothing to probe),
a role without the needed permission 403. Every change is a POST.
"""
from __future__ import annotations

import os
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.api import PlanLimitExceeded, limit_refusal_html
from lms.courses.api import render_markdown

from . import selectors, services
from .forms import AssignmentForm, CategoryForm, GradeForm, SubmissionForm
from .models import FILE_TYPES, SUBMISSION_TYPES, Assignment, GradeCategory
from .uploads import FileTooLarge

QUEUE_PAGE_SIZE = 50


def _add_errors(form, exc: ValidationError, *, user=None) -> None:
    if isinstance(exc, PlanLimitExceeded):  # the upload does not fit the plan's storage
        form.add_error(None, limit_refusal_html(exc, user=user))
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _status_for(exc: ValidationError) -> int:
    if isinstance(exc, FileTooLarge):
        return 413
    if isinstance(exc, services.SubmissionRefused):
        return 409
    return 400


def staff_page(need: str):
    """Resolve <slug> to a course the user is staff of; `need` is "grade" or "edit"."""
    if need not in ("grade", "edit"):
        raise ValueError(need)

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            course = selectors.course_get(slug=slug)
            access = selectors.course_access(user=request.user, course=course) if course else None
            if not access or not access["staff"]:
                raise Http404("No such course")
            if not access[need]:
                raise PermissionDenied
            request.course_staff = access  # for the section menu of the staff pages
            return view(request, course, *args, **kwargs)

        return wrapper

    return decorator


# --- learners ------------------------------------------------------------------------------


def _learner_assignment_or_404(request, slug, assignment_uuid):
    course = selectors.course_get(slug=slug)
    found = selectors.learner_assignment_get(learner=request.user, course=course, assignment_uuid=assignment_uuid) if course else None
    if found is None:
        raise Http404("No such assignment")
    return found


def _render_learner(request, la, form=None, status=200):
    context = {
        "la": la, "course": la.course, "rules": la.rules, "instructions": render_markdown(la.rules.instructions),
        "form": form or SubmissionForm(rules=la.rules), "file_types": FILE_TYPES, "submission_types": SUBMISSION_TYPES,
        "closed_reason": la.closed_reason,
        "file_types_text": ", ".join(FILE_TYPES[k] for k in la.rules.allowed_file_types if k in FILE_TYPES),
    }
    return render(request, "lms/assignments/learner_assignment.html", context, status=status)


@login_required
@require_GET
def learner_assignment(request, slug, assignment_uuid):
    return _render_learner(request, _learner_assignment_or_404(request, slug, assignment_uuid))


@login_required
@require_POST
def learner_submit(request, slug, assignment_uuid):
    la = _learner_assignment_or_404(request, slug, assignment_uuid)
    form = SubmissionForm(request.POST, request.FILES, rules=la.rules)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            submission = services.submission_create(
                learner=request.user, course=la.course, assignment_uuid=assignment_uuid,
                text=data.get("text", ""), url=data.get("url", ""), upload=data.get("file") or None,
            )
        except ValidationError as exc:
            _add_errors(form, exc, user=request.user)
            status = _status_for(exc)
        else:
            late = f" It is {submission.late_days} day(s) late." if submission.late_days else ""
            messages.success(request, f"Submission {submission.attempt} received.{late}")
            return redirect("assignments:learner-assignment", slug=slug, assignment_uuid=assignment_uuid)
    la = _learner_assignment_or_404(request, slug, assignment_uuid)
    return _render_learner(request, la, form=form, status=status)


@login_required
@require_GET
def submission_file(request, slug, submission_uuid):
    """The file of a submission, to its learner and the course's graders only (others: 404)."""
    submission = selectors.submission_get_for_file(user=request.user, submission_uuid=submission_uuid)
    if submission is None or submission.course.slug != slug or not submission.file:
        raise Http404("No such file")
    return submission_file_response(submission)


def submission_file_response(submission):
    """Stream the file from local storage, or redirect to a short-lived signed URL of object storage."""
    name = os.path.basename(submission.file.name)
    storage = submission.file.storage
    try:
        path = storage.path(submission.file.name)
    except NotImplementedError:  # object storage: a short-lived signed URL
        url = storage.url(submission.file.name, parameters={
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "ResponseContentType": submission.file_content_type or "application/octet-stream",
        })
        response = HttpResponseRedirect(url)
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError as exc:
            raise Http404("No such file") from exc
        response = FileResponse(handle, as_attachment=True, filename=name,
                                content_type=submission.file_content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


# --- staff: assignment editor --------------------------------------------------------------


def _assignment_or_404(course, assignment_uuid) -> Assignment:
    assignment = selectors.assignment_get(course=course, assignment_uuid=assignment_uuid)
    if assignment is None:
        raise Http404("No such assignment")
    return assignment


@staff_page("edit")
@require_http_methods(["GET", "POST"])
def assignment_editor(request, course, assignment_uuid):
    assignment = _assignment_or_404(course, assignment_uuid)
    if request.method == "POST":
        form = AssignmentForm(request.POST, instance=Assignment.objects.get(pk=assignment.pk), course=course)
        if not form.rebuilding and form.is_valid():
            try:
                services.assignment_update(assignment=assignment, **form.service_fields())
            except ValidationError as exc:
                _add_errors(form, exc, user=request.user)
            else:
                messages.success(request, "Assignment saved. Learners see the change once the course is published again.")
                return redirect("assignments:editor", slug=course.slug, assignment_uuid=assignment.uuid)
        assignment.refresh_from_db()
    else:
        form = AssignmentForm(instance=assignment, course=course)
    context = {
        "course": course, "assignment": assignment, "form": form, "section": "assignments",
        "problems": selectors.assignment_publish_problems(assignment),
        "can_grade": request.course_staff["grade"],
    }
    return render(request, "lms/assignments/editor.html", context, status=400 if form.errors else 200)


# --- staff: grading ------------------------------------------------------------------------


@staff_page("grade")
@require_GET
def grading_queue(request, course):
    assignment_uuid = selectors.uuid_or_none(request.GET.get("assignment"))
    mine = request.GET.get("mine") == "1"
    page = Paginator(selectors.grading_queue(course=course, assignment_uuid=assignment_uuid,
                                             trainer=request.user if mine else None), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page"))
    titles = selectors.assignment_titles(course=course)
    for submission in page.object_list:
        submission.assignment_title = titles.get(submission.assignment_uuid, "Assignment")
    context = {
        "course": course, "page": page, "summary": selectors.grading_summary(course=course), "section": "grading",
        "assignment_filter": str(assignment_uuid) if assignment_uuid else "", "Posting": Assignment.Posting,
        "mine": mine,
    }
    return render(request, "lms/assignments/grading_queue.html", context)


@staff_page("grade")
@require_GET
def grading_next(request, course):
    assignment_uuid = selectors.uuid_or_none(request.GET.get("assignment"))
    submission = selectors.grading_next(course=course, assignment_uuid=assignment_uuid,
                                        trainer=request.user if request.GET.get("mine") == "1" else None)
    if submission is None:
        messages.info(request, "Nothing left to grade.")
        url = reverse("assignments:grading", kwargs={"slug": course.slug})
        return redirect(f"{url}?assignment={assignment_uuid}" if assignment_uuid else url)
    return redirect("assignments:grade", slug=course.slug, submission_uuid=submission.uuid)


def _grade_initial(grade) -> dict:
    if grade is None:
        return {}
    initial = {"feedback": grade.feedback}
    if grade.points_overridden:
        initial["points"] = grade.points_awarded
    for i, selection in enumerate(grade.rubric_selections or []):
        if selection.get("level_index") is not None:
            initial[f"criterion_{i}"] = str(selection["level_index"])
    return initial


@staff_page("grade")
@require_http_methods(["GET", "POST"])
def grade_submission(request, course, submission_uuid):
    submission = selectors.submission_get_for_grading(course=course, submission_uuid=submission_uuid)
    if submission is None:
        raise Http404("No such submission")
    rules = selectors.spec_rules(selectors.assignment_spec_for_submission(submission))
    grade = getattr(submission, "grade", None)
    assignment = selectors.assignment_get(course=course, assignment_uuid=submission.assignment_uuid)
    posting = assignment.grade_posting if assignment else rules.grade_posting
    status = 200
    if request.method == "POST":
        form = GradeForm(request.POST, rubric=rules.rubric, max_points=rules.points)
        if form.is_valid():
            try:
                grade = services.grade_save(
                    submission=submission, grader=request.user, rubric_selections=form.selections(),
                    points=form.cleaned_data["points"], feedback=form.cleaned_data["feedback"],
                    post=request.POST.get("action") == "post", reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _add_errors(form, exc, user=request.user)
            else:
                shown = "posted: the learner can see it" if grade.is_posted else "saved as a draft: the learner cannot see it yet"
                messages.success(request, f"Grade {grade.final_points}/{grade.max_points} {shown}.")
                return redirect("assignments:grade", slug=course.slug, submission_uuid=submission.uuid)
        status = 400
    else:
        form = GradeForm(initial=_grade_initial(grade), rubric=rules.rubric, max_points=rules.points)
    example_penalty = services.late_penalty_for(points_awarded=rules.points, max_points=rules.points,
                                                percent_per_day=rules.penalty_percent_per_day, late_days=submission.late_days)
    context = {
        "course": course, "submission": submission, "rules": rules, "grade": grade, "form": form, "section": "grading",
        "assignment": assignment, "automatic": posting == Assignment.Posting.AUTOMATIC,
        "history": selectors.grade_history(grade=grade), "others": selectors.learner_other_submissions(submission=submission),
        "max_penalty": example_penalty, "next_submission": selectors.grading_queue(course=course).exclude(pk=submission.pk).first(),
    }
    return render(request, "lms/assignments/grade.html", context, status=status)


@staff_page("grade")
@require_POST
def assignment_post_grades(request, course, assignment_uuid):
    assignment = _assignment_or_404(course, assignment_uuid)
    count = services.grades_post(assignment=assignment, actor=request.user)
    messages.success(request, f"{count} grade(s) of “{assignment.title}” posted." if count else "There were no draft grades to post.")
    return redirect("assignments:grading", slug=course.slug)


# --- staff: categories ---------------------------------------------------------------------


def _render_categories(request, course, *, form=None, edit_errors=None, status=200):
    categories = list(selectors.category_list(course=course))
    weights_total = sum((c.weight_percent for c in categories), 0)
    context = {
        "course": course, "categories": categories, "form": form or CategoryForm(), "weights_total": weights_total,
        "edit_errors": edit_errors or {}, "quizzes": selectors.quiz_columns_for_categories(course=course),
        "section": "categories",
    }
    return render(request, "lms/assignments/categories.html", context, status=status)


@staff_page("edit")
@require_http_methods(["GET", "POST"])
def categories(request, course):
    if request.method == "GET":
        return _render_categories(request, course)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            category = services.category_create(course=course, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"Category “{category.name}” added.")
            return redirect("assignments:categories", slug=course.slug)
    return _render_categories(request, course, form=form, status=400)


def _category_or_404(course, category_uuid) -> GradeCategory:
    category = selectors.category_list(course=course).filter(uuid=category_uuid).first()
    if category is None:
        raise Http404("No such category")
    return category


@staff_page("edit")
@require_POST
def category_update(request, course, category_uuid):
    category = _category_or_404(course, category_uuid)
    form = CategoryForm(request.POST)
    if form.is_valid():
        try:
            services.category_update(category=category, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"Category “{category.name}” saved.")
            return redirect("assignments:categories", slug=course.slug)
    errors = [e for errs in form.errors.values() for e in errs]
    return _render_categories(request, course, edit_errors={str(category.uuid): errors}, status=400)


@staff_page("edit")
@require_POST
def category_delete(request, course, category_uuid):
    category = _category_or_404(course, category_uuid)
    services.category_delete(category=category)
    messages.success(request, f"Category “{category.name}” removed; its items are now uncategorised.")
    return redirect("assignments:categories", slug=course.slug)


@staff_page("edit")
@require_POST
def quiz_category(request, course):
    quiz_uuid = selectors.uuid_or_none(request.POST.get("quiz"))
    quizzes = {q["uuid"] for q in selectors.quiz_columns_for_categories(course=course)}
    if quiz_uuid is None or str(quiz_uuid) not in quizzes:
        raise Http404("No such quiz")
    wanted = selectors.uuid_or_none(request.POST.get("category"))
    category = selectors.category_list(course=course).filter(uuid=wanted).first() if wanted else None
    if wanted and category is None:
        return _render_categories(request, course, edit_errors={"quiz": ["Choose a category of this course."]}, status=400)
    services.quiz_category_set(course=course, quiz_uuid=quiz_uuid, category=category)
    messages.success(request, "Quiz category saved.")
    return redirect("assignments:categories", slug=course.slug)


# --- staff: gradebook ----------------------------------------------------------------------


@staff_page("grade")
@require_GET
def gradebook(request, course):
    book = selectors.gradebook(course=course)
    return render(request, "lms/assignments/gradebook.html", {"course": course, "book": book, "section": "gradebook"})


@staff_page("grade")
@require_GET
def gradebook_csv(request, course):
    body = "\ufeff" + selectors.gradebook_csv(selectors.gradebook(course=course))  # BOM: spreadsheets detect UTF-8
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{course.slug}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
