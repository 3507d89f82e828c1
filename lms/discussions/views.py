"""Discussion pages: forum list, thread list, thread page (replies, votes over HTMX), new
thread, reports, search; the staff's forum settings, moderation queue and grading page.

A course the viewer neither learns in nor teaches answers 404 on every page, like a missing
one; a staff-only action by a learner answers 403. Every change is a POST.
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import page_cache, selectors, services
from .forms import ForumForm, GradeForm, ReplyForm, ReportForm, ThreadForm
from .models import Report


def discussion_page(staff: bool = False):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            access = selectors.course_access(user=request.user, slug=slug)
            if access is None:
                raise Http404("No such course")
            if staff and not access.staff:
                raise Http404("No such page") if view.__name__.startswith("staff_") else PermissionDenied
            return view(request, access, *args, **kwargs)

        return wrapper

    return decorator


def _status(exc: ValidationError) -> int:
    return 409 if isinstance(exc, services.Refused) else 400


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _my_learners(request, access) -> tuple[bool, set[int] | None]:
    """`?mine=1` on a staff list: (True, the ids of the viewer's learners in the course), else (False, None)."""
    if not (access.staff and request.GET.get("mine") == "1"):
        return False, None
    from lms.cohorts.api import my_learner_ids  # cohorts -> courses: imported when used, like lms.assignments

    return True, my_learner_ids(access.user, access.course)


def _thread_or_404(access, thread_uuid, **options):
    thread = selectors.thread_get(access=access, thread_uuid=thread_uuid, **options)
    if thread is None:
        raise Http404("No such thread")
    return thread


def _post_or_404(access, post_uuid):
    post = selectors.post_get(access=access, post_uuid=post_uuid)
    if post is None:
        raise Http404("No such post")
    return post


def _thread_url(access, thread, post=None) -> str:
    url = reverse("discussions:thread", args=[access.course.slug, thread.uuid])
    return url + (f"#post-{post.uuid}" if post else "")


# --- learners and staff --------------------------------------------------------------------


@require_GET
@discussion_page()
def forums(request, access):
    return render(request, "lms/discussions/forums.html", {
        "access": access, "course": access.course, "forums": selectors.forum_list(access=access)})


@require_GET
@discussion_page()
def search(request, access):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    page = selectors.thread_list_page(access=access, search=q, page=request.GET.get("page", 1)) if q else None
    return render(request, "lms/discussions/search.html", {"access": access, "course": access.course, "q": q, "page": page})


@require_GET
@discussion_page()
def forum(request, access, forum_uuid):
    found = selectors.forum_get(access=access, forum_uuid=forum_uuid)
    if found is None:
        raise Http404("No such forum")
    mine, learner_ids = _my_learners(request, access)
    page = selectors.thread_list_page(access=access, forum=found, page=request.GET.get("page", 1), learner_ids=learner_ids)
    return render(request, "lms/discussions/threads.html", {
        "access": access, "course": access.course, "forum": found, "page": page, "mine": mine})


@require_http_methods(["GET", "POST"])
@discussion_page()
def thread_new(request, access, forum_uuid):
    found = selectors.forum_get(access=access, forum_uuid=forum_uuid)
    if found is None:
        raise Http404("No such forum")
    form = ThreadForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(access=access, forum=found, title=form.cleaned_data["title"],
                                            body=form.cleaned_data["body"], anonymous=form.cleaned_data["anonymous"])
        except ValidationError as exc:
            _errors(form, exc)
            status = _status(exc)
        else:
            return HttpResponseRedirect(_thread_url(access, thread))
    elif request.method == "POST":
        status = 400
    return render(request, "lms/discussions/thread_new.html", {
        "access": access, "course": access.course, "forum": found, "form": form}, status=status)


def _page_number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1  # what Paginator.get_page shows for a page that is not a number


def _thread_context(request, access, thread, reply_form=None) -> dict:
    """The thread page: its posts come from page_cache (rendered once per viewer kind), the
    viewer's own bits (votes, subscription, answer marking, report links, CSRF) are added here."""
    base = reverse("discussions:forums", args=[access.course.slug])
    number = _page_number(request.GET.get("page", 1))

    def build() -> dict:
        tp = selectors.thread_page(access=access, thread=thread, page=number, per_viewer=False)
        nonce = page_cache.new_nonce()
        mk = mark_safe(f"<!--{nonce}:")
        html = render_to_string("lms/discussions/_thread_posts.html", {
            "access": access, "thread": thread, "forum": thread.forum, "tp": tp, "base": base, "mk": mk,
            "csrf_token": mark_safe(f"<!--{nonce}:C-->")})
        posts = ([tp.opening] if tp.opening else []) + tp.rows
        return {"html": html, "nonce": nonce, "authors": {p.pk: p.author_id for p in posts},
                "count": tp.replies.paginator.count, "number": tp.replies.number}

    entry = page_cache.posts_cached(thread=thread, staff=access.staff, page=number, base=base, build=build)
    html = page_cache.personalise(
        entry, user_id=access.user.pk, voted=selectors.viewer_votes(access=access, post_ids=list(entry["authors"])),
        csrf_token=get_token(request), can_mark_answer=selectors.may_mark_answer(access=access, thread=thread))
    replies = Paginator(range(entry["count"]), selectors.REPLIES_PER_PAGE).get_page(entry["number"])
    tp = {"subscribed": selectors.is_subscribed(access=access, thread=thread), "replies": replies}
    return {"access": access, "course": access.course, "thread": thread, "forum": thread.forum, "tp": tp,
            "base": base, "posts_html": mark_safe(html),  # noqa: S308 -- rendered by our template, bodies sanitised when written
            "reply_form": reply_form or ReplyForm(), "report_form": ReportForm()}


@require_GET
@discussion_page()
def thread(request, access, thread_uuid):
    found = _thread_or_404(access, thread_uuid, with_subscription=True)
    return render(request, "lms/discussions/thread.html", _thread_context(request, access, found))


@require_POST
@discussion_page()
def reply(request, access, thread_uuid):
    found = _thread_or_404(access, thread_uuid)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = selectors.post_get(access=access, post_uuid=form.cleaned_data["parent"])
            if parent is None:
                raise Http404("No such post")
        try:
            post = services.reply_create(access=access, thread=found, body=form.cleaned_data["body"], parent=parent,
                                         anonymous=form.cleaned_data["anonymous"])
        except ValidationError as exc:
            _errors(form, exc)
            status = _status(exc)
        else:
            return HttpResponseRedirect(_thread_url(access, found, post))
    return render(request, "lms/discussions/thread.html", _thread_context(request, access, found, form), status=status)


@require_POST
@discussion_page()
def vote(request, access, post_uuid):
    post = _post_or_404(access, post_uuid)
    try:
        services.vote_toggle(access=access, post=post)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=_status(exc))
    if request.htmx:
        return render(request, "lms/discussions/_vote.html", {
            "access": access, "course": access.course, "post": selectors.post_for_display(access=access, post=post)})
    return HttpResponseRedirect(_thread_url(access, post.thread, post))


@require_POST
@discussion_page()
def subscription(request, access, thread_uuid):
    found = _thread_or_404(access, thread_uuid)
    on = request.POST.get("action") != "unsubscribe"
    services.subscription_set(access=access, thread=found, subscribed=on)
    messages.success(request, "You follow this thread: new replies notify you." if on else "You no longer follow this thread.")
    return HttpResponseRedirect(_thread_url(access, found))


@require_POST
@discussion_page()
def answer(request, access, thread_uuid):
    found = _thread_or_404(access, thread_uuid)
    post = None
    if request.POST.get("post"):
        post = selectors.post_get(access=access, post_uuid=request.POST["post"]) if _uuid_ok(request.POST["post"]) else None
        if post is None:
            raise Http404("No such post")
    try:
        services.answer_mark(access=access, thread=found, post=post)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return HttpResponseRedirect(_thread_url(access, found, post))


def _uuid_ok(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@require_http_methods(["GET", "POST"])
@discussion_page()
def report(request, access, post_uuid):
    post = _post_or_404(access, post_uuid)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(access=access, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(form, exc)
            status = _status(exc)
        else:
            messages.success(request, "Thank you: the course staff will look at this post.")
            return HttpResponseRedirect(_thread_url(access, post.thread, post))
    elif request.method == "POST":
        status = 400
    return render(request, "lms/discussions/report.html", {
        "access": access, "course": access.course, "post": selectors.post_for_display(access=access, post=post),
        "form": form}, status=status)


# --- staff actions on the thread page ------------------------------------------------------


@require_POST
@discussion_page(staff=True)
def thread_flags(request, access, thread_uuid):
    found = _thread_or_404(access, thread_uuid)
    action = request.POST.get("action", "")
    flags = {"pin": {"pinned": True}, "unpin": {"pinned": False}, "lock": {"locked": True}, "unlock": {"locked": False}}
    if action not in flags:
        return HttpResponse("action: one of pin, unpin, lock, unlock", status=400)
    services.thread_flags_set(access=access, thread=found, **flags[action])
    return HttpResponseRedirect(_thread_url(access, found))


@require_POST
@discussion_page(staff=True)
def post_moderate(request, access, post_uuid):
    post = _post_or_404(access, post_uuid)
    try:
        services.post_moderate(access=access, post=post, action=request.POST.get("action", ""))
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=_status(exc))
    return HttpResponseRedirect(_thread_url(access, post.thread, post))


# --- staff pages (studio) ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@discussion_page(staff=True)
def staff_forums(request, access):
    form = ForumForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not access.edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.forum_create(access=access, **form.cleaned_data)
            except ValidationError as exc:
                _errors(form, exc)
                status = 400
            else:
                messages.success(request, "Forum added.")
                return HttpResponseRedirect(reverse("discussions:staff-forums", args=[access.course.slug]))
        else:
            status = 400
    return render(request, "lms/discussions/staff_forums.html", {
        "access": access, "course": access.course, "forums": selectors.forum_list(access=access), "form": form,
        "open_reports": selectors.moderation_queue(access=access).count(), "section": "forums"}, status=status)


def _staff_forum_or_404(access, forum_uuid):
    found = selectors.forum_get(access=access, forum_uuid=forum_uuid)
    if found is None:
        raise Http404("No such forum")
    return found


@require_http_methods(["GET", "POST"])
@discussion_page(staff=True)
def staff_forum(request, access, forum_uuid):
    found = _staff_forum_or_404(access, forum_uuid)
    form = ForumForm(request.POST or None, instance=found)
    status = 200
    if request.method == "POST":
        if not access.edit:
            raise PermissionDenied
        if form.is_valid():
            form.save()
            messages.success(request, "Forum saved.")
            return HttpResponseRedirect(reverse("discussions:staff-forum", args=[access.course.slug, found.uuid]))
        status = 400
    return render(request, "lms/discussions/staff_forum.html", {
        "access": access, "course": access.course, "forum": found, "form": form, "section": "forums"}, status=status)


@require_http_methods(["GET", "POST"])
@discussion_page(staff=True)
def staff_grades(request, access, forum_uuid):
    found = _staff_forum_or_404(access, forum_uuid)
    if not found.is_graded:
        raise Http404("This forum is not graded")
    status, form = 200, GradeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            learner = User.objects.filter(pk=form.cleaned_data["learner"]).first()
            try:
                if learner is None:
                    raise ValidationError({"learner": "Not a learner of this course."})
                services.grade_save(access=access, forum=found, learner=learner, points=form.cleaned_data["points"],
                                    feedback=form.cleaned_data["feedback"])
            except ValidationError as exc:
                _errors(form, exc)
                status = _status(exc)
            else:
                messages.success(request, f"Grade saved for {selectors.display_name(learner)}.")
                return HttpResponseRedirect(reverse("discussions:staff-grades", args=[access.course.slug, found.uuid]))
        else:
            status = 400
        if status != 200:
            messages.error(request, "The grade was not saved: " + " ".join(e for errs in form.errors.values() for e in errs))
    return render(request, "lms/discussions/staff_grades.html", {
        "access": access, "course": access.course, "forum": found, "form": form,
        "participants": selectors.forum_participants(forum=found), "section": "forums"}, status=status)


@require_GET
@discussion_page(staff=True)
def staff_moderation(request, access):
    status = request.GET.get("status", Report.Status.OPEN)
    if status not in Report.Status.values:
        status = Report.Status.OPEN
    mine, learner_ids = _my_learners(request, access)
    page = Paginator(selectors.moderation_queue(access=access, status=status, learner_ids=learner_ids),
                     selectors.QUEUE_PER_PAGE).get_page(request.GET.get("page", 1))
    for r in page.object_list:
        selectors.label_post(r.post, access)
    return render(request, "lms/discussions/staff_moderation.html", {
        "access": access, "course": access.course, "page": page, "status": status, "statuses": Report.Status.choices,
        "mine": mine, "section": "moderation"})


@require_POST
@discussion_page(staff=True)
def staff_report(request, access, report_uuid):
    found = selectors.report_get(access=access, report_uuid=report_uuid)
    if found is None:
        raise Http404("No such report")
    try:
        services.report_resolve(access=access, report=found, action=request.POST.get("action", ""))
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=_status(exc))
    messages.success(request, "Report resolved: the post is hidden." if found.status == "resolved" else "Report dismissed.")
    return HttpResponseRedirect(reverse("discussions:staff-moderation", args=[access.course.slug]))
