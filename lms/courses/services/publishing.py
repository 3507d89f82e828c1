"""Publishing: a course's draft frozen into a numbered version (snapshot, changes, digest), rollback
to an earlier version and unpublishing."""
from __future__ import annotations

import hashlib
import json
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from billing import api as billing_api
from tenants.api import audit_log

from .. import permissions
from ..content import course_providers, provider_for
from ..models import ContentItem, Course, CourseVersion, Lesson, Module
from .drafts import COURSE_FIELDS

SNAPSHOT_SCHEMA = 1


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
    extras = {}
    for key, provider in course_providers():
        part = provider.course_snapshot(course)
        if part is not None:
            extras[key] = part
    return extras | {
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


def course_sale_check(course: Course) -> None:
    """A priced course goes on sale only once the institution can take payments
    (billing.api.SaleNotReady, code "payouts_not_ready"); free courses always publish."""
    if course.price_amount > 0:
        billing_api.sale_ready_check(connection.tenant)


def course_validate_for_publish(course: Course) -> list[str]:
    """Everything that stops the draft from being published, content first."""
    problems = _content_problems(course)
    try:
        course_sale_check(course)
    except billing_api.SaleNotReady as exc:
        problems.extend(exc.messages)
    return problems


def _content_problems(course: Course) -> list[str]:
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
    for _key, provider in course_providers():
        problems.extend(provider.course_validate_for_publish(course))
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
    problems = _content_problems(course)
    if problems:
        raise ValidationError(problems)
    course_sale_check(course)
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
    course_sale_check(course)  # the old version's price goes on sale again (the transaction undoes the restore)
    snapshot = course_snapshot(course)
    version = _version_create(course=course, snapshot=snapshot, author=author,
                              change_note=change_note or f"Rolled back to version {version_number}",
                              rolled_back_from=version_number)
    audit_log(action="course.rollback", target=course, before={"version": version_number}, after={"version": version.number}, actor=author)
    return version


def _draft_restore(course: Course, snapshot: dict) -> None:
    for key, provider in course_providers():
        provider.course_draft_restore(course, snapshot.get(key))
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
