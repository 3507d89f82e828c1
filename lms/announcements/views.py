"""Announcement pages: the learner's lists, detail (marks read) and dismiss, the dashboard card (HTMX),
attachments; the course staff's pages in the studio and the tenant admins' under Manage.

Staff pages of a course: no role and not enrolled answers 404 (nothing to probe); an enrolled learner
gets 403. Every change is a POST.
"""
from __future__ import annotations

import os
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lms.courses.api import can_edit
from tenant_apps.accounts.api import tenant_admin_required
from tenants.api import PlanLimitExceeded

from . import selectors, services
from .forms import AnnouncementForm, initial_for

DASHBOARD_LIMIT = 5


# --- the audience ---------------------------------------------------------------------------------

@login_required
@require_GET
def announcement_list(request):
    """Every announcement the member is in the audience of: tenant-wide ones and their courses'."""
    rows = list(selectors.announcement_list_for_user(user=request.user)[:200])
    return render(request, "announcements/list.html", {"rows": rows, "course": None})


@login_required
@require_GET
def course_announcements(request, slug):
    """One course's announcements, to its enrolled learners and staff (others: 404). The course page
    loads its `#course-announcements` section from here."""
    course = selectors.course_get(slug=slug)
    if course is None or not (selectors.is_enrolled(user=request.user, course_id=course.pk)
                              or selectors.is_course_staff(user=request.user, course=course)):
        raise Http404("No such course")
    rows = list(selectors.announcement_list_for_user(user=request.user, course=course)[:200])
    return render(request, "announcements/list.html", {"rows": rows, "course": course})


@login_required
@require_GET
def dashboard_card(request):
    """The dashboard's "Announcements" card (fetched after the dashboard loads): unread ones only."""
    return _card(request)


def _viewer_or_404(request, public_id):
    announcement = selectors.announcement_get_for_viewer(user=request.user, public_id=public_id)
    if announcement is None:
        raise Http404("No such announcement")
    return announcement


@login_required
@require_GET
def announcement_detail(request, public_id):
    announcement = _viewer_or_404(request, public_id)
    services.announcement_mark_read(announcement=announcement, user=request.user)
    return render(request, "announcements/detail.html", {
        "a": announcement, "attachments": list(announcement.attachments.all()),
        "can_manage": selectors.can_manage(user=request.user, announcement=announcement),
        "manage_url": _manage_url(announcement)})


@login_required
@require_POST
def announcement_dismiss(request, public_id):
    """Mark read without opening it (the dashboard card's button); HTMX gets the card back."""
    announcement = _viewer_or_404(request, public_id)
    services.announcement_mark_read(announcement=announcement, user=request.user)
    if request.headers.get("HX-Request"):
        return _card(request)
    return redirect(request.POST.get("next") if _safe_next(request) else "learn:dashboard")


def _card(request):
    rows = list(selectors.announcement_list_for_user(user=request.user, unread_only=True)[:DASHBOARD_LIMIT])
    return render(request, "announcements/_dashboard_card.html", {"rows": rows})


def _safe_next(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


@login_required
@require_GET
def attachment_download(request, public_id, attachment_id):
    attachment = selectors.attachment_get_for_viewer(user=request.user, public_id=public_id, attachment_id=attachment_id)
    if attachment is None:
        raise Http404("No such file")
    name = os.path.basename(attachment.file.name)
    storage = attachment.file.storage
    try:
        path = storage.path(attachment.file.name)
    except NotImplementedError:  # object storage: a short-lived signed URL
        response = HttpResponseRedirect(storage.url(attachment.file.name, parameters={
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "ResponseContentType": attachment.content_type or "application/octet-stream"}))
    else:
        try:
            handle = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
        except FileNotFoundError as exc:
            raise Http404("No such file") from exc
        response = FileResponse(handle, as_attachment=True, filename=name,
                                content_type=attachment.content_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- staff ------------------------------------------------------------------------------------------

def _manage_url(announcement) -> str:
    if announcement.course_id is None:
        return reverse("announcements_manage:edit", args=[announcement.public_id])
    return reverse("announcements:staff-edit", args=[announcement.course.slug, announcement.public_id])


def course_staff_page(view):
    """Resolve <slug> to a course the user is staff of: 404 for strangers, 403 for its learners."""

    @login_required
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        course = selectors.course_get(slug=slug)
        if course is None:
            raise Http404("No such course")
        if not selectors.is_course_staff(user=request.user, course=course):
            if selectors.is_enrolled(user=request.user, course_id=course.pk):
                raise PermissionDenied("Only the course's staff write announcements.")
            raise Http404("No such course")
        return view(request, course, *args, **kwargs)

    return wrapper


def _status_for(exc: ValidationError) -> int:
    return 413 if isinstance(exc, services.AttachmentTooLarge) else 400


def _add_errors(form, exc: ValidationError) -> None:
    if isinstance(exc, PlanLimitExceeded):
        form.add_error("file" if "file" in form.fields else None, exc.messages)
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _context(request, course, **extra) -> dict:
    base = "lms/studio/base.html" if course is not None else "manage/base.html"
    urls = {"list": reverse("announcements:staff-list", args=[course.slug]) if course is not None
            else reverse("announcements_manage:list")}
    caps = {"edit": can_edit(request.user, course)} if course is not None else {}
    return {"course": course, "caps": caps, "base": base, "section": "announcements", "urls": urls,
            "max_mb": services.attachment_max_mb(), **extra}


def _staff_list(request, course):
    form = AnnouncementForm(max_mb=services.attachment_max_mb())
    status = 200
    if request.method == "POST":
        form = AnnouncementForm(request.POST, request.FILES, max_mb=services.attachment_max_mb())
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                announcement = services.announcement_create(
                    author=request.user, course=course, title=data["title"], body=data["body"], pinned=data["pinned"],
                    publish_at=data["publish_at"], expires_at=data["expires_at"],
                    uploads=[data["file"]] if data.get("file") else [])
            except (ValidationError, PlanLimitExceeded) as exc:
                _add_errors(form, exc)
                status = 413 if isinstance(exc, (services.AttachmentTooLarge, PlanLimitExceeded)) else 400
            else:
                state = "published" if announcement.published_at else "scheduled"
                messages.success(request, f"Announcement {state}.")
                return redirect(_manage_url(announcement))
    rows = list(selectors.staff_list(course=course))
    return render(request, "announcements/staff_list.html", _context(request, course, rows=rows, form=form), status=status)


def _staff_edit(request, course, public_id):
    announcement = selectors.staff_get(course=course, public_id=public_id)
    if announcement is None:
        raise Http404("No such announcement")
    published = announcement.published_at is not None
    form = AnnouncementForm(initial=initial_for(announcement), published=published, max_mb=services.attachment_max_mb())
    status = 200
    if request.method == "POST":
        form = AnnouncementForm(request.POST, request.FILES, initial=initial_for(announcement), published=published,
                                max_mb=services.attachment_max_mb())
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                from django.db import transaction

                with transaction.atomic():
                    announcement = services.announcement_update(
                        announcement=announcement, actor=request.user, title=data["title"], body=data["body"],
                        pinned=data["pinned"], publish_at=data["publish_at"], expires_at=data["expires_at"])
                    if data.get("file"):
                        services.attachment_add(announcement=announcement, upload=data["file"], actor=request.user)
            except (ValidationError, PlanLimitExceeded) as exc:
                _add_errors(form, exc)
                status = 413 if isinstance(exc, (services.AttachmentTooLarge, PlanLimitExceeded)) else 400
            else:
                messages.success(request, "Announcement saved.")
                return redirect(_manage_url(announcement))
    reads = list(selectors.reads_list(announcement=announcement)[:1000])
    return render(request, "announcements/staff_edit.html", _context(
        request, course, a=announcement, form=form, reads=reads, read_count=selectors.reads_list(announcement=announcement).count(),
        audience=selectors.audience_size(announcement=announcement), attachments=list(announcement.attachments.all()),
        manage_url=_manage_url(announcement)), status=status)


def _staff_delete(request, course, public_id):
    announcement = selectors.staff_get(course=course, public_id=public_id)
    if announcement is None:
        raise Http404("No such announcement")
    services.announcement_delete(announcement=announcement, actor=request.user)
    messages.success(request, "Announcement deleted.")
    return redirect(_context(request, course)["urls"]["list"])


def _staff_attachment_delete(request, course, public_id, attachment_id):
    announcement = selectors.staff_get(course=course, public_id=public_id)
    attachment = announcement.attachments.filter(public_id=attachment_id).first() if announcement else None
    if attachment is None:
        raise Http404("No such file")
    services.attachment_delete(attachment=attachment)
    messages.success(request, "Attachment removed.")
    return redirect(_manage_url(announcement))


@course_staff_page
@require_http_methods(["GET", "POST"])
def staff_list(request, course):
    return _staff_list(request, course)


@course_staff_page
@require_http_methods(["GET", "POST"])
def staff_edit(request, course, public_id):
    return _staff_edit(request, course, public_id)


@course_staff_page
@require_POST
def staff_delete(request, course, public_id):
    return _staff_delete(request, course, public_id)


@course_staff_page
@require_POST
def staff_attachment_delete(request, course, public_id, attachment_id):
    return _staff_attachment_delete(request, course, public_id, attachment_id)


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def manage_list(request):
    return _staff_list(request, None)


@tenant_admin_required
@require_http_methods(["GET", "POST"])
def manage_edit(request, public_id):
    return _staff_edit(request, None, public_id)


@tenant_admin_required
@require_POST
def manage_delete(request, public_id):
    return _staff_delete(request, None, public_id)


@tenant_admin_required
@require_POST
def manage_attachment_delete(request, public_id, attachment_id):
    return _staff_attachment_delete(request, None, public_id, attachment_id)
