"""Live session pages: the course's sessions for its learners and staff; scheduling in the studio (editors).
Anyone else gets a 404, so courses' sessions cannot be probed."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import LiveSessionForm
from .models import LiveSession


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@login_required
def course_sessions(request, slug):
    """The course's upcoming sessions (an HTMX request gets the fragment the course page loads)."""
    found = selectors.course_for_viewer(user=request.user, slug=slug)
    if found is None:
        raise Http404("No such course")
    course, can_edit = found
    sessions = selectors.live_session_list_for_course(course=course, upcoming_from=timezone.now())
    template = "lms/live_sessions/_list.html" if request.headers.get("HX-Request") else "lms/live_sessions/course.html"
    return render(request, template, {"course": course, "sessions": sessions, "can_edit": can_edit})


def _editor_course(request, slug):
    course = selectors.course_for_editor(user=request.user, slug=slug)
    if course is None:
        raise Http404("No such course")
    return course


@login_required
@require_http_methods(["GET", "POST"])
def studio_list(request, slug):
    course = _editor_course(request, slug)
    form = LiveSessionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_session_create(course=course, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Live session scheduled; enrolled learners are told.")
                return redirect("live_sessions:studio-list", slug=course.slug)
        status = 400
    return render(request, "lms/live_sessions/studio_list.html", {
        "course": course, "form": form, "sessions": selectors.live_session_list_for_course(course=course),
        "now": timezone.now()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def studio_edit(request, slug, session_uuid):
    course = _editor_course(request, slug)
    session = get_object_or_404(LiveSession, course=course, uuid=session_uuid)
    # POST: a fresh form (not bound to the instance) so the service, not the form, changes the row
    form = LiveSessionForm(request.POST) if request.method == "POST" else LiveSessionForm(instance=session)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.live_session_update(session=session, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Live session saved.")
                return redirect("live_sessions:studio-list", slug=course.slug)
        status = 400
    return render(request, "lms/live_sessions/studio_edit.html", {"course": course, "session": session, "form": form},
                  status=status)


@login_required
@require_POST
def studio_delete(request, slug, session_uuid):
    course = _editor_course(request, slug)
    session = get_object_or_404(LiveSession, course=course, uuid=session_uuid)
    services.live_session_delete(session=session, actor=request.user)
    messages.success(request, f"“{session.title}” was cancelled.")
    return redirect("live_sessions:studio-list", slug=course.slug)
