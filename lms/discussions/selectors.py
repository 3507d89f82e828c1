"""Reads of course discussions: who may see a course's discussions, forum and thread lists,
the thread page, search, the moderation queue and graded participation.

Visibility: the course's enrolled learners (active or completed) and its staff (any course
role, tenant admins). Anybody else gets None from `course_access`, which views answer with 404
like a missing course. Learners never see hidden or deleted posts' bodies, nor the author of
an anonymous post; staff see both.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from lms.courses.api import Course, Enrollment, can_view_staff_pages, course_rights

from .models import SEARCH_CONFIG, DiscussionGrade, Forum, Post, Report, Subscription, Thread, Vote

THREADS_PER_PAGE = 25
REPLIES_PER_PAGE = 50  # top-level replies per thread page; their answers come along
QUEUE_PER_PAGE = 50
LEARNER_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
ANONYMOUS = "Anonymous"


@dataclass
class Access:
    course: Course
    user: User
    staff: bool  # sees everything, moderates, pins and locks
    grade: bool = False
    edit: bool = False  # creates and edits forums

    @property
    def learner(self) -> bool:
        return not self.staff


def course_access(*, user: User, slug: str) -> Access | None:
    if not (user and user.is_authenticated and user.is_active):
        return None
    course = Course.objects.filter(slug=slug).only("id", "slug", "title", "uuid", "published_version_id").first()
    if course is None:
        return None
    staff, grade, edit = course_rights(user, course)  # one permission lookup for the three
    if staff:
        return Access(course=course, user=user, staff=True, grade=grade, edit=edit)
    if Enrollment.objects.filter(course=course, learner=user, status__in=LEARNER_STATUSES).exists():
        return Access(course=course, user=user, staff=False)
    return None


def user_sees_course(*, user: User, course: Course) -> bool:
    return bool(user.is_active and (
        Enrollment.objects.filter(course=course, learner=user, status__in=LEARNER_STATUSES).exists()
        or can_view_staff_pages(user, course)))


def visible_member_ids(*, course: Course, users: list[User]) -> set[int]:
    """Which of `users` see the course's discussions (one query, then a permission check per non-learner)."""
    ids = {u.pk for u in users}
    learners = set(Enrollment.objects.filter(course=course, learner_id__in=ids, status__in=LEARNER_STATUSES)
                   .values_list("learner_id", flat=True))
    return learners | {u.pk for u in users if u.pk not in learners and u.is_active and can_view_staff_pages(u, course)}


def display_name(user: User | None) -> str:
    if user is None:
        return "A former member"
    return user.get_full_name() or user.email.split("@")[0]


def label_post(post: Post, access: Access) -> None:
    """What the viewer is shown of a post's author: `shown_author` (None when hidden from them) and `shown_name`."""
    if post.is_anonymous and not access.staff:
        post.shown_author, post.shown_name = None, ANONYMOUS
    else:
        post.shown_author = post.author
        post.shown_name = display_name(post.author) + (" (anonymous to learners)" if post.is_anonymous else "")
    post.is_mine = post.author_id == access.user.pk
    post.body_shown = post.status == Post.Status.VISIBLE or (access.staff and post.status == Post.Status.HIDDEN)


def forum_list(*, access: Access) -> list[Forum]:
    return list(Forum.objects.filter(course=access.course).annotate(thread_count=Count("threads")))


def forum_get(*, access: Access, forum_uuid) -> Forum | None:
    return Forum.objects.filter(course=access.course, uuid=forum_uuid).first()


def _threads_visible(access: Access) -> QuerySet[Thread]:
    threads = Thread.objects.filter(course=access.course)
    if not access.staff:
        threads = threads.filter(Exists(Post.objects.filter(thread=OuterRef("pk"), is_opening=True,
                                                            status=Post.Status.VISIBLE)))
    return threads


def thread_list(*, access: Access, forum: Forum | None = None, learner_ids: set[int] | None = None,
                search: str = "") -> QuerySet[Thread]:
    """The one query behind every thread list (forum page, search, API): pinned first, then by
    latest activity. `learner_ids` keeps threads those learners took part in (a hook for a
    "my learners" filter of staff lists); `search` is a full-text query over titles and the
    bodies of posts the viewer may read."""
    threads = _threads_visible(access).select_related("forum")
    if forum is not None:
        threads = threads.filter(forum=forum)
    if learner_ids is not None:
        threads = threads.filter(Exists(Post.objects.filter(thread=OuterRef("pk"), author_id__in=learner_ids)))
    if search:
        query = SearchQuery(search, config=SEARCH_CONFIG, search_type="websearch")
        readable = Post.objects.filter(course=access.course, thread=OuterRef("pk"))
        readable = readable.filter(status__in=(Post.Status.VISIBLE, Post.Status.HIDDEN) if access.staff else (Post.Status.VISIBLE,))
        body_hits = readable.annotate(vector=SearchVector("body", config=SEARCH_CONFIG)).filter(vector=query)
        threads = threads.annotate(title_vector=SearchVector("title", config=SEARCH_CONFIG)).filter(
            Q(title_vector=query) | Q(Exists(body_hits)))
    return threads.order_by("-is_pinned", "-last_activity_at", "-id")


def thread_list_page(*, access: Access, forum: Forum | None = None, page: str | int = 1, **filters) -> Page:
    return Paginator(thread_list(access=access, forum=forum, **filters), THREADS_PER_PAGE).get_page(page)


def thread_get(*, access: Access, thread_uuid, with_subscription: bool = False) -> Thread | None:
    """`with_subscription`: also `viewer_subscribed` (whether the viewer follows it), in the same query."""
    threads = _threads_visible(access).select_related("forum").filter(uuid=thread_uuid)
    if with_subscription:
        threads = threads.annotate(viewer_subscribed=Exists(Subscription.objects.filter(thread=OuterRef("pk"),
                                                                                        user=access.user)))
    return threads.first()


def post_get(*, access: Access, post_uuid) -> Post | None:
    """A post of the course the viewer may act on (learners: visible posts of visible threads)."""
    posts = Post.objects.filter(course=access.course, uuid=post_uuid).select_related("thread__forum")
    if not access.staff:
        posts = posts.filter(status=Post.Status.VISIBLE).filter(
            Exists(Post.objects.filter(thread=OuterRef("thread"), is_opening=True, status=Post.Status.VISIBLE)))
    return posts.first()


@dataclass
class ThreadPage:
    thread: Thread
    opening: Post
    replies: Page  # top-level replies, each with `.answers` (its replies)
    subscribed: bool
    voted: set[int] = field(default_factory=set)
    rows: list[Post] = field(default_factory=list)
    can_mark_answer: bool = False


def thread_page(*, access: Access, thread: Thread, page: str | int = 1, per_viewer: bool = True) -> ThreadPage:
    """The thread with one page of top-level replies and all their answers. A fixed number of
    queries whatever the number of replies: the opening post, the page's count and rows, their
    answers, the viewer's votes, the subscription. `per_viewer=False`: without the viewer's
    votes and subscription (the cached posts of page_cache.py, the same for every viewer of a kind)."""
    posts = Post.objects.filter(thread=thread).select_related("author")
    if not access.staff:
        posts = posts.exclude(status=Post.Status.HIDDEN)
    opening = posts.filter(is_opening=True).first()
    top = Paginator(posts.filter(is_opening=False, parent__isnull=True).order_by("created_at", "id"),
                    REPLIES_PER_PAGE).get_page(page)
    top_list = list(top.object_list)
    by_parent: dict[int, list[Post]] = {p.pk: [] for p in top_list}
    for answer in posts.filter(parent_id__in=list(by_parent)).order_by("created_at", "id"):
        by_parent[answer.parent_id].append(answer)
    every = ([opening] if opening else []) + top_list + [a for answers in by_parent.values() for a in answers]
    for post in every:
        label_post(post, access)
    for post in top_list:
        post.answers, post.parent_uuid = by_parent[post.pk], None
        for answer in post.answers:
            answer.parent_uuid = str(post.uuid)
    if opening:
        opening.parent_uuid = None
    top.object_list = top_list
    voted = viewer_votes(access=access, post_ids=[p.pk for p in every]) if per_viewer else set()
    for post in every:
        post.voted = post.pk in voted
        post.is_answer = post.pk == thread.answer_id
    rows = []  # the page in display order, flat (one template loop): each top-level reply, then its answers
    for post in top_list:
        post.nested = False
        rows.append(post)
        for answer in post.answers:
            answer.nested = True
            rows.append(answer)
        rows[-1].closes_group = post  # the answer form of the group follows its last post
    if opening:
        opening.nested = False
    return ThreadPage(
        thread=thread, opening=opening, replies=top, voted=voted, rows=rows,
        subscribed=per_viewer and is_subscribed(access=access, thread=thread),
        can_mark_answer=may_mark_answer(access=access, thread=thread),
    )


def viewer_votes(*, access: Access, post_ids: list[int]) -> set[int]:
    return set(Vote.objects.filter(user=access.user, post_id__in=post_ids).values_list("post_id", flat=True))


def is_subscribed(*, access: Access, thread: Thread) -> bool:
    if hasattr(thread, "viewer_subscribed"):  # thread_get(with_subscription=True)
        return thread.viewer_subscribed
    return Subscription.objects.filter(thread=thread, user=access.user).exists()


def may_mark_answer(*, access: Access, thread: Thread) -> bool:
    return access.staff or thread.author_id == access.user.pk


def post_for_display(*, access: Access, post: Post) -> Post:
    label_post(post, access)
    post.voted = Vote.objects.filter(user=access.user, post=post).exists()
    post.is_answer = post.pk == post.thread.answer_id
    return post


def moderation_queue(*, access: Access, status: str = Report.Status.OPEN, learner_ids: set[int] | None = None
                     ) -> QuerySet[Report]:
    """Reports of the course (open ones by default), oldest first. `learner_ids`: reports on
    those learners' posts only (the "my learners" hook)."""
    reports = (Report.objects.filter(course=access.course, status=status)
               .select_related("post__thread__forum", "post__author", "reporter"))
    if learner_ids is not None:
        reports = reports.filter(post__author_id__in=learner_ids)
    return reports.order_by("created_at", "id")


def report_get(*, access: Access, report_uuid) -> Report | None:
    return Report.objects.filter(course=access.course, uuid=report_uuid).select_related("post__thread").first()


@dataclass
class Participant:
    learner: User
    posts: int
    grade: DiscussionGrade | None


def forum_participants(*, forum: Forum) -> list[Participant]:
    """The course's learners with how many posts they wrote in the forum and their grade (three queries)."""
    enrollments = (Enrollment.objects.filter(course_id=forum.course_id, status__in=LEARNER_STATUSES)
                   .select_related("learner").order_by("learner__last_name", "learner__first_name", "learner__email"))
    counts = dict(Post.objects.filter(thread__forum=forum).exclude(status=Post.Status.DELETED)
                  .values_list("author_id").annotate(n=Count("id")).values_list("author_id", "n"))
    grades = {g.learner_id: g for g in DiscussionGrade.objects.filter(forum=forum)}
    return [Participant(learner=e.learner, posts=counts.get(e.learner_id, 0), grade=grades.get(e.learner_id))
            for e in enrollments]
