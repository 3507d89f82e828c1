"""Courses as products billing can sell (registered from CoursesConfig.ready()).

The product reference is the course's UUID (stable when the slug changes). Access is an
enrollment with source "payment"; fulfilment is idempotent (an active enrollment is left as
it is), and the enrollment window and capacity were checked when the order was placed, so a
learner who has paid is never turned away by them afterwards.
"""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.urls import reverse

from billing.api import Money, Product, limit_check

from .models import Course, Enrollment
from .selectors.enrollments import ACTIVE_STATUSES


def _key(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


def _course(ref: str) -> Course | None:
    """The course without its published snapshot (a large JSON document nobody here needs)."""
    key = _key(ref)
    return Course.objects.filter(uuid=key).first() if key else None


def _published(ref: str) -> Course | None:
    """The course with `published_title` (the title as published) read from the snapshot in SQL."""
    key = _key(ref)
    if key is None:
        return None
    course = (Course.objects.filter(uuid=key, published_version__isnull=False)
              .annotate(published_title=KeyTextTransform("title", KeyTransform("course", "published_version__snapshot")))
              .first())
    return course


def _title(course: Course) -> str:
    return getattr(course, "published_title", None) or course.title


class CourseProducts:
    kind = "course"

    def describe(self, ref: str) -> Product | None:
        course = _published(ref)
        if course is None or course.is_free:
            return None
        return Product(kind=self.kind, ref=str(course.uuid), title=_title(course),
                       price=Money(course.price_amount, course.price_currency),
                       url=reverse("learn:course", args=[course.slug]))

    def has_access(self, ref: str, user) -> bool:
        key = _key(ref)
        return bool(key) and Enrollment.objects.filter(course__uuid=key, learner=user, status__in=ACTIVE_STATUSES).exists()

    def purchase_check(self, ref: str, user) -> None:
        from lms.tracks.api import course_lock_reason  # tracks build on courses: imported when used

        from .services.enrollment import _check_capacity, _check_window

        course = _published(ref)
        if course is None or course.is_free:
            raise ValidationError("This course is not for sale.", code="not_for_sale")
        if self.has_access(ref, user):
            raise ValidationError(f"You are already enrolled in “{_title(course)}”.", code="already_enrolled")
        limit_check("learners", adding=0)  # over the plan's learner limit nobody new joins (as for free courses)
        _check_window(course)
        _check_capacity(course)
        reason = course_lock_reason(course=course, learner=user)
        if reason:
            raise ValidationError(reason, code="locked")

    def fulfil(self, ref: str, user, *, order_number: str) -> None:
        from .services.enrollment import enrollment_create

        course = _course(ref)
        if course is None:
            raise ValidationError("The course no longer exists.", code="gone")
        if self.has_access(ref, user):
            return
        enrollment_create(course=course, learner=user, source=Enrollment.Source.PAYMENT, note=f"Order {order_number}")

    def revoke(self, ref: str, user, *, reason: str) -> None:
        from .services.enrollment import enrollment_drop

        course = _course(ref)
        enrollment = Enrollment.objects.filter(course=course, learner=user, status__in=ACTIVE_STATUSES).first() if course else None
        if enrollment is not None:
            enrollment_drop(enrollment=enrollment)

    def for_sale(self) -> list[tuple[str, str]]:
        """(ref, title) of every priced published course, for coupon scopes."""
        rows = (Course.objects.filter(published_version__isnull=False, price_amount__gt=0)
                .annotate(published_title=KeyTextTransform("title", KeyTransform("course", "published_version__snapshot"))))
        return [(str(c.uuid), _title(c)) for c in rows]
