"""Authoring studio pages (/studio/): courses, their draft outline and content, publishing,
history and rollback, course staff, and a preview of the draft.

Instructors, teaching assistants and administrators only (learners: 403). Courses are found
among those the user has staff access to, so someone else's course answers 404. Teaching
assistants read; editing needs permissions.can_edit and publishing, rollback, unpublishing
and staff changes need permissions.can_publish (403 otherwise). Every change is a POST that
redirects with a message, or answers 400 (413 for an oversized upload) with the form's errors.
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.api import PlanLimitExceeded, limit_refusal_html

from . import permissions, selectors, services
from .forms_studio import (
    CourseCreateForm,
    CourseForm,
    ItemForm,
    MoveForm,
    PublishForm,
    RollbackForm,
    StaffAddForm,
    TitleForm,
)
from .markdown import render_markdown
from .models import ContentItem, Course, Lesson

VIEW, EDIT, PUBLISH = "view", "edit", "publish"


def studio_member_required(view):
    """Anonymous: to the login page. Signed in without a staff role (learners): 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        selectors.user_roles_prefetch(request.user)
        if not selectors.is_studio_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _course(request, slug: str, need: str = VIEW) -> tuple[Course, selectors.Capabilities]:
    course = selectors.course_get_for_studio(user=request.user, slug=slug)
    if course is None:
        raise Http404("No such course")
    caps = selectors.capabilities(request.user, course)
    if (need == EDIT and not caps.edit) or (need == PUBLISH and not caps.publish):
        raise PermissionDenied
    return course, caps


def _child(queryset, uuid):
    obj = queryset.filter(uuid=uuid).first()
    if obj is None:
        raise Http404("Not part of this course")
    return obj


def _module(course, uuid):
    return _child(course.modules.all(), uuid)


def _lesson(course, uuid):
    return _child(Lesson.objects.select_related("module").filter(module__course=course), uuid)


def _item(course, uuid):
    return _child(ContentItem.objects.select_related("lesson__module").filter(lesson__module__course=course), uuid)


def _add_service_errors(form, exc: ValidationError, *, user=None) -> None:
    if isinstance(exc, PlanLimitExceeded):  # form-wide, with the way to the Billing page for admins
        form.add_error(None, limit_refusal_html(exc, user=user))
    elif hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _status(form) -> int:
    too_large = getattr(form, "too_large", None)
    if callable(too_large) and too_large():
        return 413
    return 400


def _editor_url(course, anchor: str = "") -> str:
    url = reverse("studio:course", kwargs={"slug": course.slug})
    return f"{url}#{anchor}" if anchor else url


def _lesson_url(course, lesson) -> str:
    return reverse("studio:lesson", kwargs={"slug": course.slug, "lesson": lesson.uuid})


# --- course list and creation --------------------------------------------------------------


@studio_member_required
@require_GET
def course_list(request):
    courses = list(selectors.course_list_for_studio(user=request.user))
    caps = selectors.capabilities_by_course(user=request.user, courses=courses)
    rows = [(course, caps[course.pk]) for course in courses]
    return render(request, "lms/studio/course_list.html", {
        "rows": rows, "can_create": permissions.can_create_course(request.user),
    })


@studio_member_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    if not permissions.can_create_course(request.user):
        raise PermissionDenied
    form = CourseCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"“{course.title}” was created as a draft. Add modules and lessons next.")
            return redirect("studio:course", slug=course.slug)
    return render(request, "lms/studio/course_new.html", {"form": form}, status=400 if form.errors else 200)


# --- the course editor: details and outline ------------------------------------------------


def _outline_context(course, caps, outline_errors=None) -> dict:
    """The outline, with any error shown next to the module or lesson it is about."""
    errors = outline_errors or {}
    modules = selectors.outline_modules(course)
    for module in modules:
        module.errors = errors.get(str(module.uuid), [])
        module.new_lesson_errors = errors.get(f"new-lesson-{module.uuid}", [])
        for lesson in module.lessons.all():
            lesson.errors = errors.get(str(lesson.uuid), [])
    return {"course": course, "caps": caps, "modules": modules, "new_module_errors": errors.get("new-module", [])}


def _render_editor(request, course, caps, *, form=None, outline_errors=None, status=200):
    context = _outline_context(course, caps, outline_errors) | {
        "form": form or (CourseForm.for_course(course) if caps.edit else None),
        "description_html": render_markdown(course.description),
        "section": "edit",
    }
    return render(request, "lms/studio/course_edit.html", context, status=status)


def _outline_response(request, course, caps, anchor: str = ""):
    """After an outline change: the outline fragment for HTMX, the editor page otherwise."""
    if request.htmx:
        response = render(request, "lms/studio/_outline.html", _outline_context(course, caps))
        patch_vary_headers(response, ["HX-Request"])
        return response
    return redirect(_editor_url(course, anchor))


@studio_member_required
@require_http_methods(["GET", "POST"])
def course_edit(request, slug):
    course, caps = _course(request, slug, EDIT if request.method == "POST" else VIEW)
    if request.method == "GET":
        return _render_editor(request, course, caps)
    form = CourseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            course = services.course_details_save(course=course, **form.service_kwargs())
        except ValidationError as exc:
            course.refresh_from_db()  # the service set attributes before refusing them
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, "Course details saved.")
            return redirect("studio:course", slug=course.slug)
    return _render_editor(request, course, caps, form=form, status=_status(form))


@studio_member_required
@require_POST
def markdown_preview(request, slug):
    """The HTMX live preview of a Markdown field, sanitised like everywhere else."""
    _course(request, slug, EDIT)
    text = request.POST.get("description", request.POST.get("body", ""))
    return render(request, "lms/studio/_markdown_preview.html", {"html": render_markdown(text)})


def _stored_file_response(field_file, *, as_attachment: bool):
    if not field_file:
        raise Http404("No file")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No file") from exc
    response = FileResponse(handle, as_attachment=as_attachment,
                            filename=services.display_file_name(field_file.name))
    response["Cache-Control"] = "private, max-age=60"
    return response


@studio_member_required
@require_GET
def course_cover(request, slug):
    course, _caps = _course(request, slug)
    return _stored_file_response(course.cover, as_attachment=False)


# modules


@studio_member_required
@require_POST
def module_add(request, slug):
    course, caps = _course(request, slug, EDIT)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, course, caps, outline_errors={"new-module": form.errors["title"]}, status=400)
    module = services.module_create(course=course, title=form.cleaned_data["title"])
    messages.success(request, f"Module “{module.title}” added.")
    return redirect(_editor_url(course, f"module-{module.uuid}"))


@studio_member_required
@require_POST
def module_rename(request, slug, module):
    course, caps = _course(request, slug, EDIT)
    module = _module(course, module)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, course, caps, outline_errors={str(module.uuid): form.errors["title"]}, status=400)
    services.module_update(module=module, title=form.cleaned_data["title"])
    messages.success(request, "Module renamed.")
    return redirect(_editor_url(course, f"module-{module.uuid}"))


@studio_member_required
@require_POST
def module_delete(request, slug, module):
    course, _caps = _course(request, slug, EDIT)
    module = _module(course, module)
    services.module_delete(module=module)
    messages.success(request, f"Module “{module.title}” and its lessons were deleted from the draft.")
    return redirect(_editor_url(course))


@studio_member_required
@require_POST
def module_move(request, slug, module):
    course, caps = _course(request, slug, EDIT)
    module = _module(course, module)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, course, caps, outline_errors={str(module.uuid): ["Choose up or down."]}, status=400)
    services.move(obj=module, direction=form.cleaned_data["direction"])
    return _outline_response(request, course, caps, f"module-{module.uuid}")


# lessons


@studio_member_required
@require_POST
def lesson_add(request, slug, module):
    course, caps = _course(request, slug, EDIT)
    module = _module(course, module)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, course, caps, outline_errors={f"new-lesson-{module.uuid}": form.errors["title"]},
                              status=400)
    lesson = services.lesson_create(module=module, title=form.cleaned_data["title"])
    messages.success(request, f"Lesson “{lesson.title}” added. Add its content here.")
    return redirect(_lesson_url(course, lesson))


@studio_member_required
@require_POST
def lesson_move(request, slug, lesson):
    course, caps = _course(request, slug, EDIT)
    lesson = _lesson(course, lesson)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _render_editor(request, course, caps, outline_errors={str(lesson.uuid): ["Choose up or down."]}, status=400)
    services.move(obj=lesson, direction=form.cleaned_data["direction"])
    return _outline_response(request, course, caps, f"lesson-{lesson.uuid}")


def _render_lesson(request, course, caps, lesson, *, add_forms=None, rename_form=None, status=200):
    available = selectors.kinds_available()
    forms_by_kind = add_forms or {}
    kinds = [
        {"value": value, "label": label, "available": available[value],
         "form": forms_by_kind.get(value) or ItemForm(initial={"kind": value}, auto_id=f"id_{value}_%s"),
         "open": value in forms_by_kind}
        for value, label in ContentItem.Kind.choices
    ]
    items = list(lesson.items.order_by("position", "id"))
    for item in items:
        item.editor_url = selectors.editor_url(course, item)
    return render(request, "lms/studio/lesson.html", {
        "course": course, "caps": caps, "lesson": lesson, "items": items, "kinds": kinds,
        "rename_form": rename_form or TitleForm(initial={"title": lesson.title}), "section": "edit",
    }, status=status)


@studio_member_required
@require_GET
def lesson_detail(request, slug, lesson):
    course, caps = _course(request, slug)
    return _render_lesson(request, course, caps, _lesson(course, lesson))


@studio_member_required
@require_POST
def lesson_rename(request, slug, lesson):
    course, caps = _course(request, slug, EDIT)
    lesson = _lesson(course, lesson)
    form = TitleForm(request.POST)
    if not form.is_valid():
        return _render_lesson(request, course, caps, lesson, rename_form=form, status=400)
    services.lesson_update(lesson=lesson, title=form.cleaned_data["title"])
    messages.success(request, "Lesson renamed.")
    return redirect(_lesson_url(course, lesson))


@studio_member_required
@require_POST
def lesson_delete(request, slug, lesson):
    course, _caps = _course(request, slug, EDIT)
    lesson = _lesson(course, lesson)
    services.lesson_delete(lesson=lesson)
    messages.success(request, f"Lesson “{lesson.title}” was deleted from the draft.")
    return redirect(_editor_url(course, f"module-{lesson.module.uuid}"))


# content items


@studio_member_required
@require_POST
def item_add(request, slug, lesson):
    course, caps = _course(request, slug, EDIT)
    lesson = _lesson(course, lesson)
    kind = request.POST.get("kind", "")
    form = ItemForm(request.POST, request.FILES, auto_id=f"id_{kind}_%s" if kind in ContentItem.Kind.values else "id_%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_add(
                lesson=lesson, kind=data["kind"], title=data["title"], author=request.user,
                body=data["body"], url=data["url"], upload=data["file"] or None,
            )
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, f"{item.get_kind_display()} “{item.title}” added.")
            if item.kind in selectors.PROVIDED_KINDS and selectors.editor_url(course, item):
                return redirect(selectors.editor_url(course, item))
            return redirect(_lesson_url(course, lesson))
    if kind not in ContentItem.Kind.values:
        messages.error(request, "Choose a kind of content to add.")
        return _render_lesson(request, course, caps, lesson, status=400)
    return _render_lesson(request, course, caps, lesson, add_forms={kind: form}, status=_status(form))


def _item_form_initial(item) -> dict:
    return {"kind": item.kind, "title": item.title, "body": item.body, "url": item.url}


def _render_item(request, course, caps, item, *, form=None, status=200):
    return render(request, "lms/studio/item_edit.html", {
        "course": course, "caps": caps, "item": item, "lesson": item.lesson,
        "form": form or ItemForm(initial=_item_form_initial(item), editing=True),
        "editor_url": selectors.editor_url(course, item),
        "file_name": services.display_file_name(item.file.name) if item.file else "",
        "body_html": render_markdown(item.body) if item.kind == ContentItem.Kind.TEXT else "",
        "section": "edit",
    }, status=status)


@studio_member_required
@require_http_methods(["GET", "POST"])
def item_edit(request, slug, item):
    course, caps = _course(request, slug, EDIT if request.method == "POST" else VIEW)
    item = _item(course, item)
    if request.method == "GET":
        return _render_item(request, course, caps, item)
    post = request.POST.copy()
    post["kind"] = item.kind  # the kind of an item does not change
    form = ItemForm(post, request.FILES, editing=True)
    if form.is_valid():
        data = form.cleaned_data
        kind = item.kind
        try:
            services.item_change(
                item=item, title=data["title"],
                body=data["body"] if kind == ContentItem.Kind.TEXT else None,
                url=data["url"] if kind in (ContentItem.Kind.VIDEO, ContentItem.Kind.LINK) else None,
                upload=(data["file"] or None) if kind in (ContentItem.Kind.FILE, ContentItem.Kind.VIDEO) else None,
            )
        except ValidationError as exc:
            item.refresh_from_db()
            _add_service_errors(form, exc, user=request.user)
        else:
            messages.success(request, "Item saved.")
            return redirect(_lesson_url(course, item.lesson))
    return _render_item(request, course, caps, item, form=form, status=_status(form))


@studio_member_required
@require_POST
def item_delete(request, slug, item):
    course, _caps = _course(request, slug, EDIT)
    item = _item(course, item)
    services.item_delete(item=item)
    messages.success(request, f"“{item.title}” was deleted from the draft.")
    return redirect(_lesson_url(course, item.lesson))


@studio_member_required
@require_POST
def item_move(request, slug, item):
    course, caps = _course(request, slug, EDIT)
    item = _item(course, item)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move(obj=item, direction=form.cleaned_data["direction"])
    else:
        messages.error(request, "Choose up or down.")
    if request.htmx and form.is_valid():
        response = render(request, "lms/studio/_items.html", {
            "course": course, "caps": caps, "lesson": item.lesson,
            "items": list(item.lesson.items.order_by("position", "id")),
        })
        patch_vary_headers(response, ["HX-Request"])
        return response
    return redirect(_lesson_url(course, item.lesson) + f"#item-{item.uuid}")


@studio_member_required
@require_GET
def item_file(request, slug, item):
    course, _caps = _course(request, slug)
    item = _item(course, item)
    return _stored_file_response(item.file, as_attachment=True)


# --- preview of the draft ------------------------------------------------------------------


@studio_member_required
@require_GET
def course_preview(request, slug):
    course, caps = _course(request, slug)
    modules = selectors.outline_modules(course)
    for module in modules:
        for lesson in module.lessons.all():
            for item in lesson.items.all():
                item.body_html = render_markdown(item.body) if item.kind == ContentItem.Kind.TEXT else ""
                item.editor_url = selectors.editor_url(course, item)
                item.file_name = services.display_file_name(item.file.name) if item.file else ""
    return render(request, "lms/studio/preview.html", {
        "course": course, "caps": caps, "modules": modules, "description_html": render_markdown(course.description),
        "section": "preview",
    })


# --- publishing ----------------------------------------------------------------------------


def _render_publish(request, course, caps, *, form=None, problems=None, status=200):
    problems = services.course_validate_for_publish(course) if problems is None else problems
    pending = None
    if not problems:
        previous = course.versions.order_by("-number").first()
        pending = services.snapshot_changes(previous.snapshot if previous else None, services.course_snapshot(course))
    return render(request, "lms/studio/publish.html", {
        "course": course, "caps": caps, "problems": problems, "pending": pending,
        "form": form or PublishForm(), "section": "publish",
    }, status=status)


@studio_member_required
@require_http_methods(["GET", "POST"])
def course_publish(request, slug):
    course, caps = _course(request, slug, PUBLISH)
    if request.method == "GET":
        return _render_publish(request, course, caps)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return _render_publish(request, course, caps, form=form, status=400)
    try:
        version = services.course_publish(course=course, author=request.user,
                                          change_note=form.cleaned_data["change_note"])
    except ValidationError as exc:
        return _render_publish(request, course, caps, form=form, problems=exc.messages, status=400)
    messages.success(request, f"Version {version.number} is published.")
    return redirect("studio:history", slug=course.slug)


def _render_history(request, course, caps, *, rollback_errors=(), status=200):
    return render(request, "lms/studio/history.html", {
        "course": course, "caps": caps, "versions": selectors.version_list(course),
        "rollback_errors": list(rollback_errors), "section": "history",
    }, status=status)


@studio_member_required
@require_GET
def course_history(request, slug):
    course, caps = _course(request, slug)
    return _render_history(request, course, caps)


@studio_member_required
@require_POST
def course_rollback(request, slug):
    course, caps = _course(request, slug, PUBLISH)
    form = RollbackForm(request.POST)
    if not form.is_valid():
        return _render_history(request, course, caps, rollback_errors=["Choose a version to roll back to."], status=400)
    number = form.cleaned_data["version"]
    try:
        version = services.course_rollback(course=course, version_number=number, author=request.user)
    except ValidationError as exc:
        return _render_history(request, course, caps, rollback_errors=exc.messages, status=400)
    messages.success(request, f"Version {number} was published again as version {version.number}; the draft now matches it.")
    return redirect("studio:history", slug=course.slug)


@studio_member_required
@require_POST
def course_unpublish(request, slug):
    course, _caps = _course(request, slug, PUBLISH)
    if not course.is_published:
        messages.info(request, "The course is not published.")
    else:
        services.course_unpublish(course=course, author=request.user)
        messages.success(request, "The course is unpublished: it left the catalog; learners' records are kept.")
    return redirect("studio:history", slug=course.slug)


# --- course staff --------------------------------------------------------------------------


def _render_staff(request, course, caps, *, form=None, status=200):
    return render(request, "lms/studio/staff.html", {
        "course": course, "caps": caps, "staff": selectors.course_staff_list(course),
        "form": form or StaffAddForm(), "course_roles": selectors.COURSE_ROLES, "section": "staff",
    }, status=status)


@studio_member_required
@require_http_methods(["GET", "POST"])
def course_staff(request, slug):
    course, caps = _course(request, slug, PUBLISH if request.method == "POST" else VIEW)
    if request.method == "GET":
        return _render_staff(request, course, caps)
    form = StaffAddForm(request.POST)
    if form.is_valid():
        try:
            user = services.course_staff_add(course=course, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_service_errors(form, exc, user=request.user)
        else:
            role = selectors.COURSE_ROLES[form.cleaned_data["course_role"]].lower()
            messages.success(request, f"{user.email} is now {role} of this course.")
            return redirect("studio:staff", slug=course.slug)
    return _render_staff(request, course, caps, form=form, status=400)


@studio_member_required
@require_POST
def course_staff_remove(request, slug, public_id):
    course, _caps = _course(request, slug, PUBLISH)
    member = selectors.staff_member(course, public_id)
    if member is None:
        raise Http404("Not on this course's staff")
    services.course_staff_set(course=course, user=member, course_role=None, actor=request.user)
    messages.success(request, f"{member.email} is no longer on this course's staff.")
    if selectors.course_get_for_studio(user=request.user, slug=course.slug) is None:
        return redirect("studio:courses")  # removed themselves
    return redirect("studio:staff", slug=course.slug)
