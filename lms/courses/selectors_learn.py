"""Reads for the learner side: catalog, course page, lesson player, dashboard, staff enrollment lists.

Everything a learner sees comes from a published snapshot, never from the draft rows: the
catalog and the course page read the course's current version (`Course.published_version`),
the player and the dashboard read the learner's pinned version (`Enrollment.version`). The
Course row still decides operational matters the enrollment services enforce on it (price,
capacity, enrollment window, listed/unlisted).

Pages that list rows (catalog, dashboard) pull the few snapshot keys they show with JSON
operators in the same query instead of loading whole snapshots, so their query count and
their weight stay flat as courses grow.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Exists, F, Func, JSONField, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower

from . import permissions, selectors
from .models import Course, CourseVersion, Enrollment, ItemProgress

ACTIVE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)
VIDEO_FILE_SUFFIXES = (".mp4", ".webm", ".ogg", ".ogv", ".m4v", ".mov")


def _items_path(field_path: str, key: str) -> Func:
    """The `key` of every item of a snapshot, in outline order, as one JSON array (computed by PostgreSQL)."""
    return Func(F(field_path), Value(f"$.modules[*].lessons[*].items[*].{key}"), function="jsonb_path_query_array",
                output_field=JSONField())


def _digest_items_path(field_path: str, key: str) -> Func:
    """The `key` of every item of a version's digest (services.version_digest), in outline order."""
    return Func(F(field_path), Value(f"$.items[*].{key}"), function="jsonb_path_query_array", output_field=JSONField())


def parse_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


# --- catalog ---------------------------------------------------------------------------------


def catalog_list(*, user=None, search: str = "", level: str = "", tag: str = "") -> QuerySet[Course]:
    """Published, listed courses as their current version describes them, newest first, one query.

    Each course carries `pub` (the published snapshot's course fields: title, summary, level,
    estimated_minutes, tags, ...) and `is_enrolled` (the user has an active or completed
    enrollment). Search and filters match the published text, not the draft.

    Snapshots are large compressed JSON: every expression that reads one decompresses it, so
    the page reads `pub` once per row and sorts by a plain column (course creation).
    """
    pub = "published_version__digest__course"
    qs = (
        selectors.course_list_catalog()
        .select_related(None)
        .only("slug", "price_amount", "price_currency", "published_version_id", "visibility", "created_at")
        .annotate(pub=F(pub))
    )
    if user is not None and user.is_authenticated:
        mine = Enrollment.objects.filter(course=OuterRef("pk"), learner_id=user.pk, status__in=ACTIVE_STATUSES)
        qs = qs.annotate(is_enrolled=Exists(mine))
    else:
        qs = qs.annotate(is_enrolled=Value(False))
    if search:
        qs = qs.filter(Q(**{f"{pub}__title__icontains": search}) | Q(**{f"{pub}__summary__icontains": search}))
    if level:
        qs = qs.filter(**{f"{pub}__level": level})
    if tag:
        qs = qs.filter(**{f"{pub}__tags__contains": [tag]})
    return qs.order_by("-created_at", "-pk")


CATALOG_TAGS_CACHE_SECONDS = 60


def catalog_tags() -> list[str]:
    """Every tag used by a listed published course, sorted (for the catalog's filter).

    Reading them decompresses every published snapshot, so the list is cached per institution
    (the cache key carries the tenant schema) for CATALOG_TAGS_CACHE_SECONDS: a tag published
    a moment ago reaches the filter within that time.
    """
    return cache.get_or_set("learn:catalog-tags:v1", _catalog_tags_read, CATALOG_TAGS_CACHE_SECONDS)


def _catalog_tags_read() -> list[str]:
    tags = (
        selectors.course_list_catalog()
        .select_related(None)
        .filter(published_version__digest__course__tags__contains=[])  # arrays only
        .annotate(tag=Func(F("published_version__digest__course__tags"), function="jsonb_array_elements_text"))
        .values_list("tag", flat=True)
        .distinct()
        .order_by("tag")
    )
    return [t for t in tags if t]


# --- course page -------------------------------------------------------------------------


@dataclass
class CoursePage:
    course: Course
    info: dict  # the published snapshot's course fields (title, summary, description, level, ...)
    outline: list[dict]  # safe for learners: uuids, kinds and titles only
    version_number: int
    item_count: int
    enrollment: Enrollment | None = None
    completed: set[str] = field(default_factory=set)
    places_left: int | None = None

    @property
    def is_enrolled(self) -> bool:
        return self.enrollment is not None and self.enrollment.status in ACTIVE_STATUSES


def course_page_get(*, slug: str, user) -> CoursePage | None:
    """What the course page shows; None for unknown slugs, drafts and unpublished courses."""
    course = selectors.course_get_published(slug=slug)
    if course is None:
        return None
    snapshot = course.published_version.snapshot
    outline = selectors.snapshot_outline(snapshot)
    page = CoursePage(
        course=course, info=snapshot["course"], outline=outline, version_number=course.published_version.number,
        item_count=sum(len(lesson["items"]) for m in outline for lesson in m["lessons"]),
    )
    if user.is_authenticated:
        page.enrollment = (
            Enrollment.objects.select_related("version").defer("version__snapshot", "version__changes")
            .filter(course=course, learner_id=user.pk).first()
        )
        if page.enrollment is not None:
            page.completed = completed_item_uuids(enrollment=page.enrollment)
    if course.capacity is not None:
        taken = course.enrollments.exclude(status=Enrollment.Status.DROPPED).count()
        page.places_left = max(0, course.capacity - taken)
    return page


def learner_message(exc, *, course: Course, title: str) -> str:
    """An enrollment service's ValidationError as learners read it: the services name the course
    by its row's title, which is the draft's; learners see the published `title`."""
    text = " ".join(exc.messages)
    return text.replace(course.title, title) if course.title and course.title != title else text


@dataclass
class PaidEnrollmentStep:
    message: str
    checkout_url: str | None = None


def paid_enrollment_next_step(*, course: Course, learner) -> PaidEnrollmentStep:
    """THE hook for paid enrollment (billing issue): what a learner is told when they try to
    enroll in a paid course (services.PaymentRequired). Pages and the API both ask here; when
    checkout exists, return its URL and both will send the learner there (the API answers 402
    with the URL)."""
    version = course.published_version
    title = version.snapshot["course"]["title"] if version is not None else course.title
    return PaidEnrollmentStep(message=f"“{title}” is a paid course: paid enrollment opens soon.")


# --- learning: enrollment, progress, player ----------------------------------------------


def course_get_by_slug(*, slug: str) -> Course | None:
    """Any course by slug, published or not (staff pages and already-enrolled learners)."""
    return Course.objects.filter(slug=slug).first()


def enrollment_get_for_learning(*, learner, slug: str) -> Enrollment | None:
    """The learner's active or completed enrollment in a course, with its pinned version's
    snapshot. Learners keep their version even after the course is unpublished."""
    if not learner.is_authenticated:
        return None
    return (
        Enrollment.objects.select_related("course", "version").defer("version__changes")
        .filter(learner_id=learner.pk, course__slug=slug, status__in=ACTIVE_STATUSES).first()
    )


def completed_item_uuids(*, enrollment: Enrollment) -> set[str]:
    return {str(u) for u in enrollment.item_progress.filter(completed_at__isnull=False).values_list("item_uuid", flat=True)}


def item_progress_map(*, enrollment: Enrollment) -> dict[str, ItemProgress]:
    return {str(p.item_uuid): p for p in enrollment.item_progress.all()}


def snapshot_items(snapshot: dict) -> list[dict]:
    """Every item of a version in outline order, each with its module and lesson titles."""
    return [
        item | {"module_title": m["title"], "lesson_title": lesson["title"]}
        for m in snapshot["modules"] for lesson in m["lessons"] for item in lesson["items"]
    ]


def outline_with_progress(snapshot: dict, progress: dict[str, ItemProgress]) -> list[dict]:
    """The learner-safe outline of a version with each item's state (no quiz/assignment payloads)."""
    outline = []
    for m in snapshot["modules"]:
        lessons = []
        for lesson in m["lessons"]:
            items = []
            for i in lesson["items"]:
                p = progress.get(i["uuid"])
                items.append({
                    "uuid": i["uuid"], "kind": i["kind"], "title": i["title"],
                    "ref_uuid": i.get("ref_uuid") if i["kind"] in ("quiz", "assignment") else None,
                    "completed": bool(p and p.completed_at), "completed_at": p.completed_at if p else None,
                    "video_position_seconds": p.video_position_seconds if p else 0,
                    "time_spent_seconds": p.time_spent_seconds if p else 0,
                })
            lessons.append({"uuid": lesson["uuid"], "title": lesson["title"], "items": items})
        outline.append({"uuid": m["uuid"], "title": m["title"], "lessons": lessons})
    return outline


def next_item_uuid(item_uuids: list[str], completed: set[str]) -> str | None:
    """The first item not yet completed, in outline order; None when all are done."""
    return next((u for u in item_uuids if u not in completed), None)


def resume_item_uuid(*, enrollment: Enrollment) -> str | None:
    """Where the player opens: the last item visited if it is in the learner's version, else the first."""
    uuids = [i["uuid"] for i in snapshot_items(enrollment.version.snapshot)]
    last = str(enrollment.last_item_uuid) if enrollment.last_item_uuid else None
    if last in uuids:
        return last
    return uuids[0] if uuids else None


@dataclass
class PlayerState:
    enrollment: Enrollment
    item: dict
    module: dict
    lesson: dict
    outline: list[dict]
    previous: dict | None
    next: dict | None
    progress: ItemProgress | None
    upgrade_available: bool

    @property
    def completed(self) -> bool:
        return bool(self.progress and self.progress.completed_at)


def player_state(*, enrollment: Enrollment, item_uuid) -> PlayerState | None:
    """One item of the learner's pinned version with the outline around it; None if the item is not in it."""
    snapshot = enrollment.version.snapshot
    found = selectors.snapshot_find_item(snapshot, str(item_uuid))
    if found is None:
        return None
    module, lesson, item = found
    items = snapshot_items(snapshot)
    index = next(i for i, it in enumerate(items) if it["uuid"] == item["uuid"])
    progress = item_progress_map(enrollment=enrollment)
    return PlayerState(
        enrollment=enrollment, item=item, module=module, lesson=lesson,
        outline=outline_with_progress(snapshot, progress),
        previous=items[index - 1] if index > 0 else None,
        next=items[index + 1] if index + 1 < len(items) else None,
        progress=progress.get(item["uuid"]),
        upgrade_available=enrollment_upgrade_available(enrollment),
    )


def enrollment_upgrade_available(enrollment: Enrollment) -> bool:
    published = enrollment.course.published_version_id
    return published is not None and published != enrollment.version_id


# Quizzes and assignments complete their item themselves (on submission), not by "Mark complete".
SELF_COMPLETED_KINDS = ("text", "video", "file", "link")


def item_self_completable(item: dict) -> bool:
    return item.get("kind") in SELF_COMPLETED_KINDS


def is_direct_video(url: str) -> bool:
    """A file an HTML5 <video> can play (by its path's suffix); other URLs (YouTube, ...) get a link."""
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(VIDEO_FILE_SUFFIXES)


def file_item_for_user(*, user, course: Course, item_uuid) -> dict | None:
    """The snapshot entry of a file item `user` may download, or None.

    Enrolled learners: from their pinned version. Course staff (instructors, teaching
    assistants, administrators): from any published version of the course, newest first.
    """
    if not user.is_authenticated:
        return None
    item_uuid = str(item_uuid)
    enrollment = enrollment_get_for_learning(learner=user, slug=course.slug)
    snapshots = []
    if enrollment is not None:
        snapshots.append(enrollment.version.snapshot)
    elif permissions.can_view_staff_pages(user, course):
        snapshots.extend(CourseVersion.objects.filter(course=course).order_by("-number").values_list("snapshot", flat=True))
    for snapshot in snapshots:
        found = selectors.snapshot_find_item(snapshot, item_uuid)
        if found is not None and found[2]["kind"] in ("file", "video") and found[2].get("file"):
            return found[2]
    return None


# --- dashboard ---------------------------------------------------------------------------


def _enrollment_summaries() -> QuerySet[Enrollment]:
    """Enrollments with what a list shows, light: the course title and the item uuids/titles of
    the pinned version come out of PostgreSQL, not whole snapshots.

    Each row carries `course_title`, `item_uuids`, `item_titles`.
    """
    return (
        Enrollment.objects.select_related("course", "version")
        .only("uuid", "status", "progress_percent", "last_item_uuid", "created_at", "completed_at", "version_id",
              "course_id", "course__slug", "course__published_version", "version__number", "version__course_id")
        .annotate(
            course_title=KeyTextTransform("title", "version__digest__course"),
            item_uuids=_digest_items_path("version__digest", "uuid"),
            item_titles=_digest_items_path("version__digest", "title"),
        )
    )


def enrollment_list_for_dashboard(*, learner) -> QuerySet[Enrollment]:
    """The learner's active and completed enrollments (see _enrollment_summaries), active first, newest first."""
    return (
        _enrollment_summaries().filter(learner_id=learner.pk, status__in=ACTIVE_STATUSES)
        .order_by("status", "-created_at", "pk")
    )


def enrollment_summarise(*, enrollment: Enrollment, progress: dict[str, ItemProgress]) -> Enrollment:
    """Sets what enrollments_with_next_item sets, on an enrollment loaded with its snapshot
    (enrollment_get_for_learning) and its progress (item_progress_map): no query."""
    items = snapshot_items(enrollment.version.snapshot)
    done = {u for u, p in progress.items() if p.completed_at}
    enrollment.course_title = enrollment.version.snapshot["course"]["title"]
    enrollment.next_item_uuid = next_item_uuid([i["uuid"] for i in items], done)
    enrollment.next_item_title = next((i["title"] for i in items if i["uuid"] == enrollment.next_item_uuid), None)
    enrollment.upgrade_available = enrollment_upgrade_available(enrollment)
    return enrollment


def enrollment_summary_get(*, enrollment: Enrollment) -> Enrollment:
    """One enrollment (any status) as the lists show it, with its next item (two queries)."""
    return enrollments_with_next_item(_enrollment_summaries().filter(pk=enrollment.pk))[0]


def enrollments_with_next_item(enrollments) -> list[Enrollment]:
    """Sets `next_item_uuid`, `next_item_title` and `upgrade_available` on each enrollment of
    `enrollment_list_for_dashboard`, with one query for all of them."""
    enrollments = list(enrollments)
    done: dict[int, set[str]] = {e.pk: set() for e in enrollments}
    rows = ItemProgress.objects.filter(enrollment_id__in=done.keys(), completed_at__isnull=False)
    for enrollment_id, item_uuid in rows.values_list("enrollment_id", "item_uuid"):
        done[enrollment_id].add(str(item_uuid))
    for e in enrollments:
        uuids, titles = e.item_uuids or [], e.item_titles or []
        e.next_item_uuid = next_item_uuid(uuids, done[e.pk])
        e.next_item_title = titles[uuids.index(e.next_item_uuid)] if e.next_item_uuid else None
        e.upgrade_available = enrollment_upgrade_available(e)
    return enrollments


DASHBOARD_SECTIONS = ("deadlines", "grades")

# Where the dashboard's sections come from: dotted paths "module.function"; a module that does
# not exist (yet) is skipped. See dashboard_sections().
DASHBOARD_PROVIDERS: dict[str, list[str]] = {
    "deadlines": ["lms.assignments.dashboard.upcoming_deadlines", "lms.quizzes.dashboard.upcoming_deadlines"],
    "grades": ["lms.assignments.dashboard.recent_grades", "lms.quizzes.dashboard.recent_grades"],
}
DASHBOARD_SECTION_LIMIT = 10


def _provider(path: str):
    from .content import import_optional

    module_path, _, name = path.rpartition(".")
    module = import_optional(module_path)  # a missing module is skipped; an error inside one raises
    return None if module is None else getattr(module, name)


def dashboard_sections(user) -> dict[str, list[dict]]:
    """The learner dashboard's "Upcoming deadlines" and "Recent grades": {"deadlines": [...], "grades": [...]}.

    How another app plugs in: create the module named in DASHBOARD_PROVIDERS (for example
    `lms/assignments/dashboard.py`) with a function taking the user and returning a list of
    dicts. Nothing else to register; until that module exists its section stays empty.

        def upcoming_deadlines(user) -> list[dict]:
            # keys: title, course_title, due_at (aware datetime), url; optional: kind ("assignment", "quiz")
        def recent_grades(user) -> list[dict]:
            # keys: title, course_title, grade (display text, e.g. "8 / 10" or "85%"),
            #       posted_at (aware datetime), url; optional: kind

    Rules for providers: return only what the learner may see now (posted grades only, never
    drafts), in a constant number of queries whatever the number of rows (the dashboard's
    query count is tested with small and large data), at most DASHBOARD_SECTION_LIMIT rows.
    The dashboard merges providers, sorts deadlines by `due_at` (soonest first) and grades
    by `posted_at` (newest first) and keeps the first DASHBOARD_SECTION_LIMIT.
    """
    sections: dict[str, list[dict]] = {name: [] for name in DASHBOARD_SECTIONS}
    if not user.is_authenticated:
        return sections
    for name, paths in DASHBOARD_PROVIDERS.items():
        for path in paths:
            provider = _provider(path)
            if provider is not None:
                sections[name].extend(provider(user))
    sections["deadlines"].sort(key=lambda row: row["due_at"])
    sections["grades"].sort(key=lambda row: row["posted_at"], reverse=True)
    return {name: rows[:DASHBOARD_SECTION_LIMIT] for name, rows in sections.items()}


# --- staff: enrollments of a course ----------------------------------------------------------


def course_get_for_staff(*, slug: str, user) -> Course | None:
    """A course (published or not) whose enrollments `user` may manage: its instructors and tenant
    admins. Carries `newest_version_number` (None when unpublished)."""
    course = Course.objects.annotate(newest_version_number=F("published_version__number")).filter(slug=slug).first()
    if course is None or not permissions.can_edit(user, course):
        return None
    return course


def course_enrollment_list(*, course: Course) -> QuerySet[Enrollment]:
    """Every enrollment of a course (dropped ones too, last), with learner and version number."""
    return (
        Enrollment.objects.filter(course=course)
        .select_related("learner", "version", "enrolled_by")
        .defer("version__snapshot", "version__changes")
        .order_by("status", "learner__email")
    )


def users_by_email(emails: list[str]) -> dict[str, User]:
    """Accounts of this institution by lower-cased email address, in one query."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    return {u.email_lower: u for u in users}


def learners_for_emails(emails: list[str]) -> tuple[list[User], list[tuple[str, str]]]:
    """Resolve addresses for staff enrollment: (accounts that can be enrolled, [(email, reason), ...])."""
    found = users_by_email(emails)
    learners, refused = [], []
    for email in emails:
        user = found.get(email.strip().lower())
        if user is None:
            refused.append((email, "No account with this email address on this site."))
        elif not user.is_active:
            refused.append((email, "This account is deactivated."))
        else:
            learners.append(user)
    return learners, refused
