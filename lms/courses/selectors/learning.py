"""Learning a course: the learner's enrollment with its pinned version, their progress, the lesson
player's state, and which file items they may download."""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from .. import permissions
from ..models import Course, CourseVersion, Enrollment, ItemProgress
from .enrollments import ACTIVE_STATUSES
from .snapshots import snapshot_find_item, snapshot_items

VIDEO_FILE_SUFFIXES = (".mp4", ".webm", ".ogg", ".ogv", ".m4v", ".mov")


def parse_uuid(value) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


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
    found = snapshot_find_item(snapshot, str(item_uuid))
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
        found = snapshot_find_item(snapshot, item_uuid)
        if found is not None and found[2]["kind"] in ("file", "video") and found[2].get("file"):
            return found[2]
    return None
