"""Reads for courses: the catalog, what a learner sees, staff views."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from .models import Course, Enrollment


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


def enrollment_get(*, learner: User, course: Course) -> Enrollment | None:
    if not learner.is_authenticated:
        return None
    return Enrollment.objects.select_related("version").filter(learner=learner, course=course).first()


def enrollment_list_for_learner(*, learner: User) -> QuerySet[Enrollment]:
    """Light rows for lists: versions carry their digest, not their (large) snapshot."""
    return (
        Enrollment.objects.filter(learner=learner)
        .exclude(status=Enrollment.Status.DROPPED)
        .select_related("course", "version")
        .defer("version__snapshot", "version__changes", "course__description")
        .order_by("-created_at")
    )


_ENROLLMENTS_MEMO = "_educrowd_enrollments_for_lists"


def enrollments_for_lists(*, learner: User) -> list[Enrollment]:
    """enrollment_list_for_learner, or the rows a page primed for this request (see below)."""
    primed = learner.__dict__.get(_ENROLLMENTS_MEMO)
    return primed if primed is not None else list(enrollment_list_for_learner(learner=learner))


def enrollments_for_lists_prime(*, learner: User) -> None:
    """Read the learner's enrollments once for a page whose several sections all need them
    (the dashboard): set on the request's user object, so it lives as long as the request."""
    learner.__dict__[_ENROLLMENTS_MEMO] = list(enrollment_list_for_learner(learner=learner))


def snapshot_outline(snapshot: dict) -> list[dict]:
    """The module/lesson/item tree of a version, without quiz/assignment payloads (safe for learners)."""
    return [
        {
            "uuid": m["uuid"], "title": m["title"],
            "lessons": [
                {"uuid": lesson["uuid"], "title": lesson["title"],
                 "items": [{"uuid": i["uuid"], "kind": i["kind"], "title": i["title"]} for i in lesson["items"]]}
                for lesson in m["lessons"]
            ],
        }
        for m in snapshot["modules"]
    ]


def snapshot_find_item(snapshot: dict, item_uuid: str) -> tuple[dict, dict, dict] | None:
    """(module, lesson, item) of an item in a version's snapshot, or None."""
    for m in snapshot["modules"]:
        for lesson in m["lessons"]:
            for item in lesson["items"]:
                if item["uuid"] == str(item_uuid):
                    return m, lesson, item
    return None


def course_count() -> int:
    """Courses of the institution (drafts included): its usage against the plan's course limit."""
    return Course.objects.count()
