"""Writes for courses: authoring the draft, publishing versions, enrollment, progress."""
from __future__ import annotations

import hashlib
import json
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from tenants.api import audit_log

from . import permissions
from .content import provider_for
from .models import ContentItem, Course, CourseVersion, Enrollment, ItemProgress, Lesson, Module

SNAPSHOT_SCHEMA = 1
COURSE_FIELDS = ("title", "slug", "summary", "description", "level", "estimated_minutes", "tags", "visibility",
                 "capacity", "price_amount", "price_currency")
EDITABLE_COURSE_FIELDS = set(COURSE_FIELDS) | {"cover", "enrollment_opens_at", "enrollment_closes_at"}


class PaymentRequired(Exception):
    """Self-enrollment into a paid course: the billing issue plugs checkout in here."""

    def __init__(self, course: Course):
        super().__init__(f"“{course.title}” is a paid course.")
        self.course = course


# --- authoring: the draft tree ---------------------------------------------------------


def _unique_slug(title: str, wanted: str = "") -> str:
    base = slugify(wanted or title)[:70] or "course"
    slug, n = base, 2
    while Course.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def course_create(*, author: User, title: str, slug: str = "", **fields) -> Course:
    if not permissions.can_create_course(author):
        raise ValidationError("Only instructors and administrators can create courses.")
    unknown = set(fields) - EDITABLE_COURSE_FIELDS
    if unknown:
        raise ValueError(f"unknown course fields: {sorted(unknown)}")
    if slug and Course.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A course with the address “{slug}” already exists."})
    course = Course(title=title.strip(), slug=slug or _unique_slug(title), created_by=author, **fields)
    course.full_clean(exclude=["published_version"])
    course.save()
    permissions.course_role_assign(course=course, user=author, course_role="instructor")
    return course


@transaction.atomic
def course_update(*, course: Course, **fields) -> Course:
    unknown = set(fields) - EDITABLE_COURSE_FIELDS
    if unknown:
        raise ValueError(f"unknown course fields: {sorted(unknown)}")
    if "slug" in fields and fields["slug"] != course.slug and Course.objects.filter(slug=fields["slug"]).exists():
        raise ValidationError({"slug": f"A course with the address “{fields['slug']}” already exists."})
    for name, value in fields.items():
        setattr(course, name, value)
    opens, closes = course.enrollment_opens_at, course.enrollment_closes_at
    if opens and closes and closes <= opens:
        raise ValidationError({"enrollment_closes_at": "Enrollment must close after it opens."})
    course.full_clean(exclude=["published_version"])
    course.save()
    return course


def _next_position(queryset) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


@transaction.atomic
def module_create(*, course: Course, title: str) -> Module:
    return Module.objects.create(course=course, title=title.strip(), position=_next_position(course.modules))


@transaction.atomic
def lesson_create(*, module: Module, title: str) -> Lesson:
    return Lesson.objects.create(module=module, title=title.strip(), position=_next_position(module.lessons))


@transaction.atomic
def module_update(*, module: Module, title: str) -> Module:
    module.title = title.strip()
    module.full_clean()
    module.save(update_fields=["title"])
    return module


@transaction.atomic
def module_delete(*, module: Module) -> None:
    module.delete()  # draft only: published versions keep their own copy


@transaction.atomic
def lesson_update(*, lesson: Lesson, title: str) -> Lesson:
    lesson.title = title.strip()
    lesson.full_clean()
    lesson.save(update_fields=["title"])
    return lesson


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    lesson.delete()


@transaction.atomic
def item_delete(*, item: ContentItem) -> None:
    item.delete()


@transaction.atomic
def course_staff_set(*, course: Course, user: User, course_role: str | None, actor: User) -> None:
    """Make `user` instructor or teaching assistant of the course (None removes them)."""
    if not permissions.can_publish(actor, course):
        raise ValidationError("Only the course's instructors and administrators can change its staff.")
    from tenant_apps.accounts.api import Role, role_of

    if course_role is None:
        permissions.course_role_remove(course=course, user=user)
        return
    if course_role not in permissions.COURSE_ROLE_PERMS:
        raise ValidationError({"course_role": "Choose instructor or teaching assistant."})
    if role_of(user) not in (Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.TENANT_ADMIN):
        raise ValidationError({"user": f"{user.email} is not an instructor or teaching assistant of the institution."})
    permissions.course_role_assign(course=course, user=user, course_role=course_role)


@transaction.atomic
def item_create(*, lesson: Lesson, kind: str, title: str, **fields) -> ContentItem:
    if kind not in ContentItem.Kind.values:
        raise ValidationError({"kind": f"Unknown content type “{kind}”."})
    item = ContentItem(lesson=lesson, kind=kind, title=title.strip(), position=_next_position(lesson.items), **fields)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_update(*, item: ContentItem, **fields) -> ContentItem:
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def reorder(*, siblings, ordered_ids: list[int]) -> None:
    """Set positions of a parent's children (modules of a course, lessons of a module, ...)."""
    existing = list(siblings.values_list("id", flat=True))
    if sorted(existing) != sorted(ordered_ids):
        raise ValidationError("The new order must list exactly the current items.")
    for position, pk in enumerate(ordered_ids, start=1):
        siblings.filter(pk=pk).update(position=position)


@transaction.atomic
def move(*, obj, direction: str, parent: str | None = None) -> None:
    """Move a module, lesson or item (or any row ordered by `position` under `parent`) one place
    up or down among its siblings."""
    parent = parent or _parent_field(obj)
    siblings = type(obj).objects.filter(**{parent: getattr(obj, parent)})
    ids = list(siblings.order_by("position", "id").values_list("id", flat=True))
    i = ids.index(obj.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    reorder(siblings=siblings, ordered_ids=ids)


def _parent_field(obj) -> str:
    return {"Module": "course", "Lesson": "module", "ContentItem": "lesson"}[type(obj).__name__]


# --- publishing --------------------------------------------------------------------------


def _item_snapshot(item: ContentItem) -> dict:
    data = {
        "uuid": str(item.uuid), "kind": item.kind, "title": item.title, "body": item.body, "url": item.url,
        "file": item.file.name if item.file else "", "ref_uuid": str(item.ref_uuid) if item.ref_uuid else None,
    }
    provider = provider_for(item.kind)
    if provider is not None and item.ref_uuid:
        data["data"] = provider.snapshot(item.ref_uuid)
    return data


def course_snapshot(course: Course) -> dict:
    modules = course.modules.prefetch_related("lessons__items").all()
    return {
        "schema": SNAPSHOT_SCHEMA,
        "course": {name: getattr(course, name) for name in COURSE_FIELDS} | {"cover": course.cover.name if course.cover else ""},
        "modules": [
            {
                "uuid": str(m.uuid), "title": m.title,
                "lessons": [
                    {"uuid": str(lesson.uuid), "title": lesson.title, "items": [_item_snapshot(i) for i in lesson.items.all()]}
                    for lesson in m.lessons.all()
                ],
            }
            for m in modules
        ],
    }


def course_validate_for_publish(course: Course) -> list[str]:
    problems = []
    if not course.title.strip():
        problems.append("The course needs a title.")
    modules = list(course.modules.prefetch_related("lessons__items"))
    if not modules:
        problems.append("Add at least one module.")
    for m in modules:
        lessons = list(m.lessons.all())
        if not lessons:
            problems.append(f"Module “{m.title}” has no lessons.")
        for lesson in lessons:
            items = list(lesson.items.all())
            if not items:
                problems.append(f"Lesson “{lesson.title}” has no content.")
            for item in items:
                where = f"“{item.title}” in lesson “{lesson.title}”"
                if item.kind == ContentItem.Kind.TEXT and not item.body.strip():
                    problems.append(f"Text {where} is empty.")
                elif item.kind == ContentItem.Kind.VIDEO and not item.url and not item.file:
                    problems.append(f"Video {where} has no address or file.")
                elif item.kind == ContentItem.Kind.LINK and not item.url:
                    problems.append(f"{item.get_kind_display()} {where} has no URL.")
                elif item.kind == ContentItem.Kind.FILE and not item.file:
                    problems.append(f"File {where} has no file.")
                elif item.kind in (ContentItem.Kind.QUIZ, ContentItem.Kind.ASSIGNMENT):
                    provider = provider_for(item.kind)
                    if not item.ref_uuid or provider is None:
                        problems.append(f"{item.get_kind_display()} {where} is not set up.")
                    else:
                        problems.extend(f"{where}: {p}" for p in provider.validate_for_publish(item.ref_uuid))
    return problems


def _fingerprint(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def snapshot_changes(old: dict | None, new: dict) -> dict:
    """What changed between two snapshots, by stable uuid: added/removed/changed lessons and items."""
    def index(snap):
        lessons, items = {}, {}
        for m in (snap or {}).get("modules", []):
            for lesson in m["lessons"]:
                lessons[lesson["uuid"]] = lesson["title"]
                for item in lesson["items"]:
                    items[item["uuid"]] = (item["title"], _fingerprint(item))
        return lessons, items

    old_lessons, old_items = index(old)
    new_lessons, new_items = index(new)
    # In outline order (dicts keep the order the snapshot lists them in).
    return {
        "lessons_added": [title for u, title in new_lessons.items() if u not in old_lessons],
        "lessons_removed": [title for u, title in old_lessons.items() if u not in new_lessons],
        "items_added": [title for u, (title, _) in new_items.items() if u not in old_items],
        "items_removed": [title for u, (title, _) in old_items.items() if u not in new_items],
        "items_changed": [title for u, (title, fp) in new_items.items() if u in old_items and old_items[u][1] != fp],
        "details_changed": (old or {}).get("course") != new.get("course") if old else False,
    }


DIGEST_COURSE_FIELDS = ("title", "summary", "level", "estimated_minutes", "tags", "visibility", "price_amount",
                        "price_currency")


def version_digest(snapshot: dict) -> dict:
    """What lists need of a version: course fields, the item list (no bodies), assignment due dates."""
    items, assignments, quizzes = [], [], []
    for m in snapshot.get("modules", []):
        for lesson in m["lessons"]:
            for item in lesson["items"]:
                items.append({"uuid": item["uuid"], "kind": item["kind"], "title": item["title"],
                              "ref_uuid": item.get("ref_uuid")})
                data = item.get("data") or {}
                if item["kind"] == "assignment":
                    assignments.append({"ref_uuid": item.get("ref_uuid"), "title": data.get("title") or item["title"],
                                        "due_at": data.get("due_at"), "points": data.get("points")})
                elif item["kind"] == "quiz":
                    quizzes.append({"ref_uuid": item.get("ref_uuid"), "item_uuid": item["uuid"], "title": item["title"],
                                    "due_at": data.get("due_at")})
    course = snapshot.get("course", {})
    return {"course": {k: course.get(k) for k in DIGEST_COURSE_FIELDS}, "items": items, "assignments": assignments,
            "quizzes": quizzes}


def _version_create(*, course: Course, snapshot: dict, author: User, change_note: str, rolled_back_from=None) -> CourseVersion:
    Course.objects.select_for_update().filter(pk=course.pk).first()  # one publish at a time per course
    previous = course.versions.order_by("-number").only("number", "snapshot").first()
    version = CourseVersion.objects.create(
        course=course, number=(previous.number + 1) if previous else 1, snapshot=snapshot,
        digest=version_digest(json.loads(json.dumps(snapshot, default=str))),
        change_note=change_note.strip()[:500], changes=snapshot_changes(previous.snapshot if previous else None, snapshot),
        author=author, rolled_back_from=rolled_back_from,
    )
    course.published_version = version
    course.save(update_fields=["published_version", "updated_at"])
    return version


@transaction.atomic
def course_publish(*, course: Course, author: User, change_note: str = "") -> CourseVersion:
    """Validate the draft and freeze it as a new immutable version, all or nothing."""
    if not permissions.can_publish(author, course):
        raise ValidationError("You cannot publish this course.")
    problems = course_validate_for_publish(course)
    if problems:
        raise ValidationError(problems)
    version = _version_create(course=course, snapshot=course_snapshot(course), author=author, change_note=change_note)
    audit_log(action="course.publish", target=course, after={"version": version.number}, actor=author)
    return version


@transaction.atomic
def course_rollback(*, course: Course, version_number: int, author: User, change_note: str = "") -> CourseVersion:
    """Publish an earlier version's content as a new version, and reset the draft to it."""
    if not permissions.can_publish(author, course):
        raise ValidationError("You cannot publish this course.")
    old = course.versions.filter(number=version_number).first()
    if old is None:
        raise ValidationError(f"Version {version_number} does not exist.")
    _draft_restore(course, old.snapshot)
    snapshot = course_snapshot(course)
    version = _version_create(course=course, snapshot=snapshot, author=author,
                              change_note=change_note or f"Rolled back to version {version_number}",
                              rolled_back_from=version_number)
    audit_log(action="course.rollback", target=course, before={"version": version_number}, after={"version": version.number}, actor=author)
    return version


def _draft_restore(course: Course, snapshot: dict) -> None:
    for name, value in snapshot["course"].items():
        if name not in ("cover", "slug"):
            setattr(course, name, value)
    course.save()
    course.modules.all().delete()
    for m_pos, m in enumerate(snapshot["modules"], start=1):
        module = Module.objects.create(course=course, uuid=UUID(m["uuid"]), title=m["title"], position=m_pos)
        for l_pos, lesson_data in enumerate(m["lessons"], start=1):
            lesson = Lesson.objects.create(module=module, uuid=UUID(lesson_data["uuid"]), title=lesson_data["title"], position=l_pos)
            for i_pos, it in enumerate(lesson_data["items"], start=1):
                ref = UUID(it["ref_uuid"]) if it.get("ref_uuid") else None
                provider = provider_for(it["kind"])
                if provider is not None and it.get("data") is not None:
                    ref = provider.draft_restore(course, it["data"])
                ContentItem.objects.create(
                    lesson=lesson, uuid=UUID(it["uuid"]), kind=it["kind"], title=it["title"], position=i_pos,
                    body=it["body"], url=it["url"], file=it["file"], ref_uuid=ref,
                )


@transaction.atomic
def course_unpublish(*, course: Course, author: User) -> Course:
    """Hide from the catalog and from new enrollments; learners' records stay."""
    if not permissions.can_publish(author, course):
        raise ValidationError("You cannot unpublish this course.")
    was = course.published_version.number if course.published_version_id else None
    course.published_version = None
    course.save(update_fields=["published_version", "updated_at"])
    audit_log(action="course.unpublish", target=course, before={"version": was}, after={"version": None}, actor=author)
    return course


# --- enrollment --------------------------------------------------------------------------


def _check_window(course: Course) -> None:
    now = timezone.now()
    if course.enrollment_opens_at and now < course.enrollment_opens_at:
        raise ValidationError(f"Enrollment opens on {timezone.localtime(course.enrollment_opens_at):%d %b %Y, %H:%M}.")
    if course.enrollment_closes_at and now >= course.enrollment_closes_at:
        raise ValidationError(f"Enrollment closed on {timezone.localtime(course.enrollment_closes_at):%d %b %Y, %H:%M}.")


def _check_capacity(course: Course) -> None:
    if course.capacity is None:
        return
    taken = course.enrollments.exclude(status=Enrollment.Status.DROPPED).count()
    if taken >= course.capacity:
        raise ValidationError(f"“{course.title}” is full ({course.capacity} places).")


@transaction.atomic
def enrollment_create(
    *, course: Course, learner: User, source: str = Enrollment.Source.SELF, enrolled_by: User | None = None, note: str = ""
) -> Enrollment:
    course = Course.objects.select_for_update(of=("self",)).select_related("published_version").get(pk=course.pk)  # serialises capacity
    if course.published_version is None:
        raise ValidationError(f"“{course.title}” is not open for enrollment.")
    existing = Enrollment.objects.filter(course=course, learner=learner).first()
    if existing and existing.status != Enrollment.Status.DROPPED:
        raise ValidationError(f"{learner.email} is already enrolled in “{course.title}”.")
    if source == Enrollment.Source.SELF:
        _check_window(course)
        from lms.tracks.api import course_lock_reason  # tracks build on courses: imported when used

        reason = course_lock_reason(course=course, learner=learner)
        if reason:
            raise ValidationError(reason)
        if not course.is_free:
            raise PaymentRequired(course)
    _check_capacity(course)
    if existing:  # coming back after dropping: the record (and progress) is kept
        existing.status, existing.dropped_at, existing.source = Enrollment.Status.ACTIVE, None, source
        existing.enrolled_by, existing.note = enrolled_by, note.strip()[:500]
        existing.save()
        return existing
    return Enrollment.objects.create(
        course=course, learner=learner, version=course.published_version, source=source,
        enrolled_by=enrolled_by, note=note.strip()[:500],
    )


def enrollment_bulk_create(*, course: Course, learners: list[User], enrolled_by: User, note: str = "") -> tuple[list, list]:
    """Staff enrollment of many learners; returns (enrolled, [(learner, reason), ...])."""
    enrolled, refused = [], []
    for learner in learners:
        try:
            with transaction.atomic():
                enrolled.append(enrollment_create(course=course, learner=learner, source=Enrollment.Source.STAFF,
                                                  enrolled_by=enrolled_by, note=note))
        except ValidationError as exc:
            refused.append((learner, " ".join(exc.messages)))
    return enrolled, refused


@transaction.atomic
def enrollment_drop(*, enrollment: Enrollment) -> Enrollment:
    if enrollment.status == Enrollment.Status.DROPPED:
        return enrollment
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.dropped_at = timezone.now()
    enrollment.save(update_fields=["status", "dropped_at"])
    return enrollment


@transaction.atomic
def enrollment_move_to_version(*, enrollment: Enrollment, version: CourseVersion | None = None) -> Enrollment:
    """Move a learner to the newest (or a given) version; progress on items that still exist is kept."""
    if version is None:  # the newest: read it fresh, a publish may have happened since this object was loaded
        version = Course.objects.select_related("published_version").get(pk=enrollment.course_id).published_version
    if version is None:
        raise ValidationError("The course has no published version.")
    enrollment.version = version
    enrollment.save(update_fields=["version"])
    _recompute_progress(enrollment)
    return enrollment


# --- progress ----------------------------------------------------------------------------


def snapshot_item_uuids(snapshot: dict) -> list[str]:
    return [item["uuid"] for m in snapshot["modules"] for lesson in m["lessons"] for item in lesson["items"]]


def _require_item(enrollment: Enrollment, item_uuid) -> str:
    item_uuid = str(item_uuid)
    if item_uuid not in snapshot_item_uuids(enrollment.version.snapshot):
        raise ValidationError("This item is not part of your version of the course.")
    if enrollment.status == Enrollment.Status.DROPPED:
        raise ValidationError("You dropped this course; enroll again to continue.")
    return item_uuid


def _recompute_progress(enrollment: Enrollment) -> None:
    uuids = snapshot_item_uuids(enrollment.version.snapshot)
    done = enrollment.item_progress.filter(item_uuid__in=uuids, completed_at__isnull=False).count()
    percent = int(done * 100 / len(uuids)) if uuids else 0
    enrollment.progress_percent = percent
    if percent == 100 and enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, timezone.now()
    enrollment.save(update_fields=["progress_percent", "status", "completed_at"])


@transaction.atomic
def progress_item_complete(*, enrollment: Enrollment, item_uuid) -> ItemProgress:
    item_uuid = _require_item(enrollment, item_uuid)
    progress, _ = ItemProgress.objects.get_or_create(
        enrollment=enrollment, item_uuid=item_uuid, defaults={"version_number": enrollment.version.number}
    )
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.version_number = enrollment.version.number
        progress.save(update_fields=["completed_at", "version_number", "updated_at"])
    enrollment.last_item_uuid = item_uuid
    Enrollment.objects.filter(pk=enrollment.pk).update(last_item_uuid=item_uuid)
    _recompute_progress(enrollment)
    return progress


@transaction.atomic
def progress_item_visit(*, enrollment: Enrollment, item_uuid, video_position_seconds: int | None = None,
                        time_spent_seconds: int = 0) -> ItemProgress:
    """Remember where the learner is: last item, video position, time spent (capped per call)."""
    item_uuid = _require_item(enrollment, item_uuid)
    progress, _ = ItemProgress.objects.get_or_create(
        enrollment=enrollment, item_uuid=item_uuid, defaults={"version_number": enrollment.version.number}
    )
    updates = {"time_spent_seconds": F("time_spent_seconds") + max(0, min(int(time_spent_seconds), 3600))}
    if video_position_seconds is not None:
        updates["video_position_seconds"] = max(0, int(video_position_seconds))
    ItemProgress.objects.filter(pk=progress.pk).update(**updates)
    Enrollment.objects.filter(pk=enrollment.pk).update(last_item_uuid=item_uuid)
    progress.refresh_from_db()
    return progress
