"""Authoring the draft tree: courses, modules, lessons and content items, their order, and the
course staff. Learners never see these rows, only the versions publishing makes of them."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils.text import slugify

from billing import api as billing_api
from billing.api import limit_check

from .. import permissions
from ..models import ContentItem, Course, Lesson, Module

COURSE_FIELDS = ("title", "slug", "summary", "description", "level", "estimated_minutes", "tags", "visibility",
                 "capacity", "price_amount", "price_currency")
EDITABLE_COURSE_FIELDS = set(COURSE_FIELDS) | {"cover", "enrollment_opens_at", "enrollment_closes_at"}


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
    limit_check("courses")
    fields["price_currency"] = (billing_api.price_currency_check(fields["price_currency"]) if "price_currency" in fields
                                else billing_api.tenant_currency())
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
    if "price_currency" in fields and fields["price_currency"] != course.price_currency:
        fields["price_currency"] = billing_api.price_currency_check(fields["price_currency"])
    new_price = fields.get("price_amount", course.price_amount)
    if course.published_version_id and new_price > 0 and new_price != course.price_amount:
        # A published course's price applies at once: pricing it puts it on sale, like publishing it priced.
        billing_api.sale_ready_check(connection.tenant)
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
        from ..signals import course_staff_removed

        course_staff_removed.send(sender=Course, course=course, user=user)
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
