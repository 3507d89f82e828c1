"""Learner pages: catalog, course page, enroll/drop, lesson player, dashboard; and the course
staff's enrollment page (list, enroll by email, move learners to the newest version).

Learners only ever see published snapshots (see the selectors package). Every change is a POST that
redirects with a message; the player's time/position tracking is the only part that needs
JavaScript, and it posts to the API.
"""
from __future__ import annotations

import hashlib
import posixpath
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from billing.api import PlanLimitExceeded, limit_refusal_html, money
from lms.tracks.api import course_lock_reason, tracks_for_dashboard
from tenant_apps.accounts.api import Role, role_of

from . import dashboard_cache, permissions, selectors, services
from .forms_learn import BulkEnrollForm, CatalogFilterForm
from .markdown import render_markdown
from .models import Course
from .video import video_source

CATALOG_PER_PAGE = 12
ENROLLMENTS_PER_PAGE = 50
STAFF_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)


def _load_groups(request) -> None:
    """Fetch the user's groups once: the role checks of the view, the nav and the context processor share them."""
    user = request.user
    if user.is_authenticated:
        prefetch_related_objects([getattr(user, "_wrapped", user)], "groups")


def price_label(amount: int, currency: str) -> str:
    return money.price_label(amount, currency)


def duration_label(minutes) -> str:
    if not isinstance(minutes, int) or minutes <= 0:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def seconds_label(seconds: int) -> str:
    minutes, secs = divmod(int(seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def level_label(value) -> str:
    return Course.Level(value).label if value in Course.Level.values else ""


def _web_url(url: str) -> str:
    """Only http(s) addresses become links (a snapshot is data, not trusted markup)."""
    return url if isinstance(url, str) and url.lower().startswith(("http://", "https://")) else ""


def _item_base(slug: str) -> str:
    """The prefix of the player's item URLs (`<prefix><item uuid>/`): outlines link dozens of items,
    and one reverse() per item costs more than the rest of the page."""
    base = reverse("learn:item", args=[slug, "00000000-0000-0000-0000-000000000000"])
    return base.removesuffix("00000000-0000-0000-0000-000000000000/")


def _activity_url(slug: str, item: dict) -> str:
    """Where a quiz or assignment item is taken: the quizzes/assignments apps' learner pages, by the item's ref_uuid."""
    if item["kind"] in ("quiz", "assignment") and item.get("ref_uuid"):
        return f"/learn/{slug}/{item['kind']}/{item['ref_uuid']}/"
    return ""


def _login(request, next_url: str | None = None):
    return redirect_to_login(next_url or request.get_full_path())


def _published_title(course) -> str:
    version = course.published_version
    return version.snapshot["course"]["title"] if version is not None else course.slug


def _not_enrolled(request, slug: str):
    """Player/drop pages for someone without an active enrollment: to the course page if it is open, else 404."""
    if selectors.course_get_published(slug=slug) is None:
        raise Http404("No such course")
    messages.info(request, "Enroll in this course to start learning.")
    return redirect("learn:course", slug=slug)


# --- catalog and course page ---------------------------------------------------------------


@require_safe
def catalog(request):
    _load_groups(request)
    form = CatalogFilterForm(request.GET, tags=selectors.catalog_tags())
    filters = form.filters()
    # The results (with this visitor's "Enrolled" badges) are cached per visitor, filters and page,
    # and rebuilt when any course or this visitor's enrollments change (dashboard_cache).
    params = urlencode(sorted({**filters, "page": request.GET.get("page", "")}.items()))
    key = dashboard_cache.body_key(request.user.pk or 0, "catalog") + ":" + hashlib.sha256(params.encode()).hexdigest()[:16]
    results = cache.get(key)
    if results is None:
        courses = selectors.catalog_list(user=request.user, **filters)
        page = Paginator(courses, CATALOG_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)
        for c in page.object_list:
            c.level_label = level_label(c.pub.get("level"))
            c.duration_label = duration_label(c.pub.get("estimated_minutes"))
            c.price_label = price_label(c.price_amount, c.price_currency)
        results = render_to_string("lms/learn/_catalog_results.html",
                                   {"page": page, "filtered": any(filters.values())}, request=request)
        cache.set(key, results, dashboard_cache.BODY_SECONDS)
    # The filter form swaps only the results when HTMX is on; the full page otherwise.
    partial = request.htmx and request.htmx.target == "catalog-results" and not request.htmx.history_restore_request
    if partial:
        response = HttpResponse(results)
    else:
        context = {"form": form, "results": mark_safe(results), "filtered": any(filters.values())}  # noqa: S308
        response = render(request, "lms/learn/catalog.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@require_safe
def course_detail(request, slug: str):
    _load_groups(request)
    page = selectors.course_page_get(slug=slug, user=request.user)
    if page is None:
        raise Http404("No such course")
    user = request.user
    course, info, now = page.course, page.info, timezone.now()
    can_manage = user.is_authenticated and role_of(user) in STAFF_ROLES and permissions.can_edit(user, course)
    context = {
        "p": page, "course": course, "info": info,
        "description_html": render_markdown(info.get("description", "")),
        "level_label": level_label(info.get("level")), "duration_label": duration_label(info.get("estimated_minutes")),
        "price_label": price_label(course.price_amount, course.price_currency),
        "opens_later": bool(course.enrollment_opens_at and now < course.enrollment_opens_at),
        "closed": bool(course.enrollment_closes_at and now >= course.enrollment_closes_at),
        "can_manage": can_manage, "item_base": _item_base(course.slug),
        "track_lock": course_lock_reason(course=course, learner=user)
        if user.is_authenticated and not page.enrollment else None,
    }
    return render(request, "lms/learn/course.html", context)


@require_POST
def enroll(request, slug: str):
    if not request.user.is_authenticated:
        return _login(request, reverse("learn:course", args=[slug]))
    course = selectors.course_get_published(slug=slug)
    if course is None:
        raise Http404("No such course")
    title = _published_title(course)
    existing = selectors.enrollment_get(learner=request.user, course=course)
    if existing is not None and existing.status in selectors.ACTIVE_STATUSES:
        messages.info(request, f"You are already enrolled in “{title}”.")
        return redirect("learn:course", slug=slug)
    try:
        services.enrollment_create(course=course, learner=request.user)
    except services.PaymentRequired:
        step = selectors.paid_enrollment_next_step(course=course, learner=request.user)
        if step.checkout_url:
            return redirect(step.checkout_url)
        messages.info(request, step.message)
        return redirect("learn:course", slug=slug)
    except PlanLimitExceeded as exc:
        messages.error(request, limit_refusal_html(exc, user=request.user, what=f"enrollment in “{title}”"))
        return redirect("learn:course", slug=slug)
    except ValidationError as exc:
        messages.error(request, selectors.learner_message(exc, course=course, title=title))
        return redirect("learn:course", slug=slug)
    if existing is not None:
        messages.success(request, f"Welcome back to “{title}”: your progress was kept.")
    else:
        messages.success(request, f"You are enrolled in “{title}”.")
    return redirect("learn:resume", slug=slug)


@require_http_methods(["GET", "POST"])
def drop(request, slug: str):
    """GET asks for confirmation; POST drops (records and progress are kept)."""
    if not request.user.is_authenticated:
        return _login(request, reverse("learn:course", args=[slug]))
    enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
    if enrollment is None:
        return _not_enrolled(request, slug)
    title = enrollment.version.snapshot["course"]["title"]
    if request.method == "POST":
        services.enrollment_drop(enrollment=enrollment)
        messages.success(request, f"You left “{title}”. Your progress is kept if you enroll again.")
        if enrollment.course.published_version_id is None:
            return redirect("learn:dashboard")
        return redirect("learn:course", slug=slug)
    context = {"enrollment": enrollment, "title": title, "reopen": enrollment.course.published_version_id is not None}
    return render(request, "lms/learn/drop_confirm.html", context)


# --- course staff: enrollments -----------------------------------------------------------------


def _staff_course(request, slug: str):
    """The course if the user may manage its enrollments; 404 when it is unknown or not public, 403 otherwise."""
    _load_groups(request)
    course = selectors.course_get_for_staff(slug=slug, user=request.user)
    if course is not None:
        return course
    if selectors.course_get_published(slug=slug) is None:
        raise Http404("No such course")
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
def course_enrollments(request, slug: str):
    if not request.user.is_authenticated:
        return _login(request)
    course = _staff_course(request, slug)
    form = BulkEnrollForm(request.POST) if request.method == "POST" else BulkEnrollForm()
    result = None
    if request.method == "POST" and form.is_valid():
        if course.published_version_id is None:
            form.add_error(None, "Publish the course before enrolling learners.")
        else:
            learners, refused = selectors.learners_for_emails(form.cleaned_data["emails"])
            enrolled, not_enrolled = services.enrollment_bulk_create(
                course=course, learners=learners, enrolled_by=request.user, note=form.cleaned_data["note"],
            )
            refused += [(learner.email, reason) for learner, reason in not_enrolled]
            result = {"enrolled": [e.learner.email for e in enrolled], "refused": refused}
            if enrolled:
                messages.success(request, f"Enrolled {len(enrolled)} learner{'s' if len(enrolled) != 1 else ''}.")
            if refused:
                were = "addresses were" if len(refused) != 1 else "address was"
                messages.warning(request, f"{len(refused)} {were} refused; see below.")
            form = BulkEnrollForm()
    enrollments = selectors.course_enrollment_list(course=course)
    page = Paginator(enrollments, ENROLLMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"course": course, "form": form, "result": result, "page": page,
               "newest_number": course.newest_version_number}
    return render(request, "lms/learn/enrollments.html", context, status=400 if form.errors else 200)


@require_POST
def enrollment_move(request, slug: str, enrollment_uuid):
    if not request.user.is_authenticated:
        return _login(request, reverse("learn:enrollments", args=[slug]))
    course = _staff_course(request, slug)
    enrollment = course.enrollments.select_related("learner").filter(uuid=enrollment_uuid).first()
    if enrollment is None:
        raise Http404("No such enrollment")
    try:
        services.enrollment_move_to_version(enrollment=enrollment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{enrollment.learner.email} moved to version {enrollment.version.number}.")
    return redirect("learn:enrollments", slug=slug)


# --- lesson player ---------------------------------------------------------------------------


@require_safe
def resume(request, slug: str):
    if not request.user.is_authenticated:
        return _login(request)
    enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
    if enrollment is None:
        return _not_enrolled(request, slug)
    item_uuid = selectors.resume_item_uuid(enrollment=enrollment)
    if item_uuid is None:
        return redirect("learn:course", slug=slug)
    return redirect("learn:item", slug=slug, item_uuid=item_uuid)


def _video(slug: str, it: dict) -> dict | None:
    """What the player shows for a video item: an uploaded file, an embed or a playable file address."""
    if it["kind"] != "video":
        return None
    if it.get("file"):
        return {"provider": "upload", "src": reverse("learn:item-file", args=[slug, it["uuid"]])}
    return video_source(it.get("url", ""))


@require_safe
def item(request, slug: str, item_uuid):
    if not request.user.is_authenticated:
        return _login(request)
    _load_groups(request)
    enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
    if enrollment is None:
        return _not_enrolled(request, slug)
    state = selectors.player_state(enrollment=enrollment, item_uuid=item_uuid)
    if state is None:
        raise Http404("This item is not part of your version of the course")
    it = state.item | {"url": _web_url(state.item.get("url", ""))}
    video_start = state.progress.video_position_seconds if state.progress else 0
    context = {
        "s": state, "item": it, "slug": slug, "enrollment": enrollment, "item_base": _item_base(slug),
        "self_completable": selectors.item_self_completable(it),
        "course_title": enrollment.version.snapshot["course"]["title"],
        "body_html": render_markdown(it.get("body", "")) if it["kind"] == "text" else "",
        "direct_video": it["kind"] == "video" and selectors.is_direct_video(it.get("url", "")),
        "video": _video(slug, it),
        "video_start": video_start, "video_start_label": seconds_label(video_start),
        "time_spent_label": seconds_label(state.progress.time_spent_seconds if state.progress else 0),
        "activity_url": _activity_url(slug, it),
        "file_name": posixpath.basename(it.get("file") or ""),
        "progress_api": reverse("api-learn-item-progress", kwargs={"slug": slug, "item_uuid": it["uuid"]}),
    }
    return render(request, "lms/learn/player.html", context)


@require_POST
def item_complete(request, slug: str, item_uuid):
    if not request.user.is_authenticated:
        return _login(request, reverse("learn:item", args=[slug, item_uuid]))
    enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
    if enrollment is None:
        return _not_enrolled(request, slug)
    state = selectors.player_state(enrollment=enrollment, item_uuid=item_uuid)
    if state is None:
        raise Http404("This item is not part of your version of the course")
    if not selectors.item_self_completable(state.item):
        messages.error(request, f"This {state.item['kind']} is completed by submitting it, not by marking it.")
        return redirect("learn:item", slug=slug, item_uuid=item_uuid)
    was_completed = enrollment.status == enrollment.Status.COMPLETED
    try:
        services.progress_item_complete(enrollment=enrollment, item_uuid=item_uuid)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("learn:item", slug=slug, item_uuid=item_uuid)
    if not was_completed and enrollment.status == enrollment.Status.COMPLETED:
        messages.success(request, "Course complete. Well done!")
    if state.next is not None:
        return redirect("learn:item", slug=slug, item_uuid=state.next["uuid"])
    return redirect("learn:item", slug=slug, item_uuid=item_uuid)


@require_safe
def item_file(request, slug: str, item_uuid):
    """A file item, streamed from storage to enrolled learners and course staff only."""
    if not request.user.is_authenticated:
        return _login(request)
    _load_groups(request)
    course = selectors.course_get_by_slug(slug=slug)
    if course is None:
        raise Http404("No such course")
    file_item = selectors.file_item_for_user(user=request.user, course=course, item_uuid=item_uuid)
    if file_item is None:
        raise Http404("No such file")
    try:
        handle = default_storage.open(file_item["file"], "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("The file is missing") from exc
    # A video plays in the page (<video src>); other files download.
    response = FileResponse(handle, as_attachment=file_item["kind"] != "video",
                            filename=posixpath.basename(file_item["file"]))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def upgrade(request, slug: str):
    if not request.user.is_authenticated:
        return _login(request)
    enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
    if enrollment is None:
        return _not_enrolled(request, slug)
    try:
        services.enrollment_move_to_version(enrollment=enrollment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You are now on version {enrollment.version.number}. Your completed items were kept.")
    return redirect("learn:resume", slug=slug)


# --- dashboard -------------------------------------------------------------------------------


@require_safe
def dashboard(request):
    if not request.user.is_authenticated:
        return _login(request)
    _load_groups(request)
    key = dashboard_cache.body_key(request.user.pk)
    body = cache.get(key)
    if body is None:
        enrollments = selectors.enrollments_with_next_item(
            selectors.enrollment_list_for_dashboard(learner=request.user)
        )
        selectors.enrollments_for_lists_prime(learner=request.user)  # one read for every section below
        context = {
            "enrollments": enrollments,
            "sections": selectors.dashboard_sections(request.user),
            "tracks": tracks_for_dashboard(request.user),
        }
        body = render_to_string("lms/learn/_dashboard_body.html", context, request=request)
        cache.set(key, body, dashboard_cache.BODY_SECONDS)
    return render(request, "lms/learn/dashboard.html", {"body": mark_safe(body)})  # noqa: S308 - our own rendering
