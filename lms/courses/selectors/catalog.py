"""The catalog and the course page, as the courses' current published versions describe them
(never the draft), and what a learner is told when enrolling is refused or needs payment."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Value

from ..models import Course, Enrollment
from .enrollments import ACTIVE_STATUSES
from .learning import completed_item_uuids
from .snapshots import snapshot_outline


def course_list_catalog(*, search: str = "", level: str = "", tag: str = "") -> QuerySet[Course]:
    """Published, listed courses (what anyone browsing the catalog may see)."""
    qs = Course.objects.filter(published_version__isnull=False, visibility=Course.Visibility.LISTED).select_related(
        "published_version"
    )
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(summary__icontains=search))
    if level in Course.Level.values:
        qs = qs.filter(level=level)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    return qs.order_by("title")


def course_get_published(*, slug: str) -> Course | None:
    """A published course by slug, listed or unlisted; None for drafts and unknown slugs."""
    return Course.objects.select_related("published_version").filter(slug=slug, published_version__isnull=False).first()


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
        course_list_catalog()
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
        course_list_catalog()
        .select_related(None)
        .filter(published_version__digest__course__tags__contains=[])  # arrays only
        .annotate(tag=Func(F("published_version__digest__course__tags"), function="jsonb_array_elements_text"))
        .values_list("tag", flat=True)
        .distinct()
        .order_by("tag")
    )
    return [t for t in tags if t]


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
    course = course_get_published(slug=slug)
    if course is None:
        return None
    snapshot = course.published_version.snapshot
    outline = snapshot_outline(snapshot)
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
    from billing.api import buy_url

    version = course.published_version
    title = version.snapshot["course"]["title"] if version is not None else course.title
    return PaidEnrollmentStep(message=f"“{title}” is a paid course: buy it to enroll.",
                              checkout_url=buy_url("course", str(course.uuid)))


def course_count() -> int:
    """Courses of the institution (drafts included): its usage against the plan's course limit."""
    return Course.objects.count()
