"""Writes of course discussions: forums, threads, replies, votes, answers, pin/lock,
moderation and reports, subscriptions, grades of graded forums.

Refusals are ValidationErrors: `Refused` (409: the state forbids it, such as a locked thread
or a second open report) and plain ValidationError (400: bad input, such as a reply nested
too deep). Notifications leave on commit through tenant_apps.notifications.
"""
from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from lms.courses.api import Enrollment, render_markdown
from tenants.api import audit_log, site_url_for_tenant

from .mentions import mentioned_members
from .models import DiscussionGrade, Forum, Post, Report, Subscription, Thread, Vote
from .page_cache import thread_changed
from .selectors import ANONYMOUS, LEARNER_STATUSES, Access, display_name, visible_member_ids

MAX_BODY = 20_000


class Refused(ValidationError):
    """The request is valid but the object's state refuses it (HTTP 409)."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message, code=code)
        self.code = code


def _require_staff(access: Access) -> None:
    if not access.staff:
        raise PermissionDenied("Only the course staff can do this.")


def _body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"At most {MAX_BODY} characters."})
    if "\x00" in body:
        raise ValidationError({"body": "The text contains a NUL character."})
    return body


def _anonymous_check(access: Access, forum: Forum, anonymous: bool) -> bool:
    if anonymous and not forum.allow_anonymous:
        raise ValidationError({"anonymous": "This forum does not allow anonymous posts."})
    return bool(anonymous)


# --- forums --------------------------------------------------------------------------------


def forum_create(*, access: Access, title: str, description: str = "", allow_anonymous: bool = False,
                 is_graded: bool = False, points: int = 10) -> Forum:
    if not access.edit:
        raise PermissionDenied("Only the course's instructors can add forums.")
    forum = Forum(course=access.course, title=(title or "").strip(), description=description or "",
                  allow_anonymous=allow_anonymous, is_graded=is_graded, points=points or 10,
                  position=Forum.objects.filter(course=access.course).count())
    forum.full_clean()
    forum.save()
    return forum


def forum_update(*, access: Access, forum: Forum, **fields) -> Forum:
    if not access.edit:
        raise PermissionDenied("Only the course's instructors can change forums.")
    for name in ("title", "description", "allow_anonymous", "is_graded", "points"):
        if name in fields and fields[name] is not None:
            setattr(forum, name, fields[name])
    forum.full_clean()
    forum.save()
    return forum


# --- threads and replies -------------------------------------------------------------------


def _thread_url(thread: Thread, post: Post | None = None) -> str:
    path = reverse("discussions:thread", args=[thread.course.slug, thread.uuid])
    return path + (f"#post-{post.uuid}" if post else "")


def _post_new(*, access: Access, thread: Thread, body: str, anonymous: bool, parent: Post | None = None,
              opening: bool = False) -> Post:
    post = Post(thread=thread, course=access.course, author=access.user, is_opening=opening, parent=parent,
                is_anonymous=anonymous, body=body, body_html=render_markdown(body, min_heading=3))
    post.save()
    return post


@transaction.atomic
def thread_create(*, access: Access, forum: Forum, title: str, body: str, anonymous: bool = False) -> Thread:
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise ValidationError({"title": "A title of 1 to 200 characters."})
    body = _body_clean(body)
    anonymous = _anonymous_check(access, forum, anonymous)
    thread = Thread.objects.create(forum=forum, course=access.course, author=access.user, title=title,
                                   last_activity_at=timezone.now())
    post = _post_new(access=access, thread=thread, body=body, anonymous=anonymous, opening=True)
    Subscription.objects.get_or_create(thread=thread, user=access.user)
    _notify_on_commit(access=access, thread=thread, post=post, subscribers=False)
    return thread


@transaction.atomic
def reply_create(*, access: Access, thread: Thread, body: str, parent: Post | None = None,
                 anonymous: bool = False) -> Post:
    thread = Thread.objects.select_for_update().select_related("forum").get(pk=thread.pk)
    if thread.is_locked:
        raise Refused("This thread is locked: it takes no more replies.", code="locked")
    body = _body_clean(body)
    anonymous = _anonymous_check(access, thread.forum, anonymous)
    if parent is not None:
        if parent.thread_id != thread.pk or parent.status == Post.Status.DELETED:
            raise ValidationError({"parent": "Answer a reply of this thread."})
        if parent.is_opening:
            parent = None  # answering the opening post is answering the thread
        elif parent.parent_id is not None:
            raise ValidationError({"parent": "Replies nest one level only: answer the top-level reply instead."})
    post = _post_new(access=access, thread=thread, body=body, anonymous=anonymous, parent=parent)
    Thread.objects.filter(pk=thread.pk).update(reply_count=F("reply_count") + 1, last_activity_at=timezone.now())
    thread_changed(thread.pk)
    _notify_on_commit(access=access, thread=thread, post=post, subscribers=True)
    return post


def _notify_on_commit(*, access: Access, thread: Thread, post: Post, subscribers: bool) -> None:
    tenant = connection.tenant
    transaction.on_commit(lambda: _notify(access=access, thread=thread, post=post, subscribers=subscribers, tenant=tenant))


def _notify(*, access: Access, thread: Thread, post: Post, subscribers: bool, tenant) -> None:
    """Mentioned members who see the course get "discussion_mention"; the thread's other
    subscribers "discussion_reply". Never the author; an anonymous author is named "Anonymous"
    to everyone (the notification text cannot tell staff from learners)."""
    from tenant_apps.notifications.api import notify

    course = access.course
    path = _thread_url(thread, post)
    author = ANONYMOUS if post.is_anonymous else display_name(access.user)
    context = {"course": {"title": course.title}, "thread_title": thread.title, "author_name": author,
               "excerpt": post.body[:300], "url": site_url_for_tenant(tenant, path)}
    actor = None if post.is_anonymous else access.user
    mentioned = [u for u in mentioned_members(course=course, text=post.body) if u.pk != access.user.pk]
    if mentioned:
        notify("discussion_mention", mentioned, context, url=path, actor=actor)
    if subscribers:
        skip = {access.user.pk} | {u.pk for u in mentioned}
        users = list(User.objects.filter(pk__in=Subscription.objects.filter(thread=thread).values("user_id"))
                     .exclude(pk__in=skip))
        visible = visible_member_ids(course=course, users=users)
        recipients = [u for u in users if u.pk in visible]
        if recipients:
            notify("discussion_reply", recipients, context, url=path, actor=actor)


# --- votes, answers, pin and lock ----------------------------------------------------------


def vote_toggle(*, access: Access, post: Post) -> tuple[bool, int]:
    """Up-vote the post, or take the vote back: one vote per person and post. -> (voted now, votes)."""
    if post.status != Post.Status.VISIBLE:
        raise Refused("This post cannot be voted on.", code="not_visible")
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(post=post, user=access.user).delete()
        if deleted:
            Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") - 1)
            voted = False
        else:
            try:
                with transaction.atomic():
                    Vote.objects.create(post=post, user=access.user)
            except IntegrityError:  # a concurrent click of the same person already voted
                voted = True
            else:
                Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + 1)
                voted = True
        thread_changed(post.thread_id)
    post.refresh_from_db(fields=["vote_count"])
    return voted, post.vote_count


def answer_mark(*, access: Access, thread: Thread, post: Post | None) -> Thread:
    """Mark a reply as the thread's answer (None: unmark). The thread's author or staff."""
    if not (access.staff or thread.author_id == access.user.pk):
        raise PermissionDenied("Only the thread's author or the course staff can mark the answer.")
    if post is not None and (post.thread_id != thread.pk or post.is_opening or post.status != Post.Status.VISIBLE):
        raise ValidationError({"post": "Mark a visible reply of this thread."})
    thread.answer = post
    thread.save(update_fields=["answer"])
    thread_changed(thread.pk)
    return thread


def thread_flags_set(*, access: Access, thread: Thread, pinned: bool | None = None, locked: bool | None = None) -> Thread:
    _require_staff(access)
    fields = []
    if pinned is not None:
        thread.is_pinned = pinned
        fields.append("is_pinned")
    if locked is not None:
        thread.is_locked = locked
        fields.append("is_locked")
    if fields:
        thread.save(update_fields=fields)
        thread_changed(thread.pk)
        audit_log(actor=access.user, action="discussion.thread_flags", target=thread,
                  after={"pinned": thread.is_pinned, "locked": thread.is_locked})
    return thread


# --- moderation ----------------------------------------------------------------------------

MODERATION = {"hide": Post.Status.HIDDEN, "unhide": Post.Status.VISIBLE, "delete": Post.Status.DELETED}


@transaction.atomic
def post_moderate(*, access: Access, post: Post, action: str) -> Post:
    """Staff hide a post (learners no longer see it), show it again, or delete it (its text is
    removed for good; the place stays so answers to it keep their context)."""
    _require_staff(access)
    if action not in MODERATION:
        raise ValidationError({"action": f"One of: {', '.join(MODERATION)}."})
    if post.status == Post.Status.DELETED:
        raise Refused("This post is deleted.", code="deleted")
    post.status = MODERATION[action]
    post.moderated_by, post.moderated_at = access.user, timezone.now()
    if action == "delete":
        post.body, post.body_html = "", ""
        Thread.objects.filter(pk=post.thread_id, answer=post).update(answer=None)
    post.save()
    thread_changed(post.thread_id)
    audit_log(actor=access.user, action=f"discussion.post_{action}", target=post, after={"status": post.status})
    return post


def report_create(*, access: Access, post: Post, reason: str) -> Report:
    reason = (reason or "").strip()
    if not reason or len(reason) > 1000:
        raise ValidationError({"reason": "Say why, in at most 1000 characters."})
    if post.author_id == access.user.pk:
        raise ValidationError({"post": "You cannot report your own post."})
    try:
        with transaction.atomic():
            return Report.objects.create(post=post, course=access.course, reporter=access.user, reason=reason)
    except IntegrityError:
        raise Refused("You have already reported this post; the staff will look at it.", code="already_reported") from None


@transaction.atomic
def report_resolve(*, access: Access, report: Report, action: str) -> Report:
    """"resolve" (and hide the post) or "dismiss" (the post stays as it is); other open reports
    of the same post are closed the same way."""
    _require_staff(access)
    if action not in ("resolve", "dismiss"):
        raise ValidationError({"action": "One of: resolve, dismiss."})
    if report.status != Report.Status.OPEN:
        raise Refused("This report is already closed.", code="closed")
    status = Report.Status.RESOLVED if action == "resolve" else Report.Status.DISMISSED
    if action == "resolve" and report.post.status == Post.Status.VISIBLE:
        post_moderate(access=access, post=report.post, action="hide")
    Report.objects.filter(post=report.post, status=Report.Status.OPEN).update(
        status=status, resolved_by=access.user, resolved_at=timezone.now())
    report.refresh_from_db()
    return report


# --- subscriptions -------------------------------------------------------------------------


def subscription_set(*, access: Access, thread: Thread, subscribed: bool) -> bool:
    if subscribed:
        Subscription.objects.get_or_create(thread=thread, user=access.user)
    else:
        Subscription.objects.filter(thread=thread, user=access.user).delete()
    return subscribed


# --- graded forums -------------------------------------------------------------------------


def grade_save(*, access: Access, forum: Forum, learner: User, points, feedback: str = "") -> DiscussionGrade:
    if not access.grade:
        raise PermissionDenied("Your role in this course does not allow grading.")
    if not forum.is_graded:
        raise Refused("This forum is not graded.", code="not_graded")
    try:
        points = Decimal(str(points))
    except Exception:
        raise ValidationError({"points": "A number."}) from None
    if not points.is_finite() or points < 0 or points > forum.points:
        raise ValidationError({"points": f"Between 0 and {forum.points}."})
    if not Enrollment.objects.filter(course=access.course, learner=learner, status__in=LEARNER_STATUSES).exists():
        raise ValidationError({"learner": "Not a learner of this course."})
    grade, _ = DiscussionGrade.objects.update_or_create(
        forum=forum, learner=learner,
        defaults={"points": points.quantize(Decimal("0.01")), "feedback": (feedback or "")[:5000], "grader": access.user})
    return grade
