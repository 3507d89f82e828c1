"""A learner's enrollments: one by course, the light rows lists show (primed once per request)."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from ..models import Course, Enrollment

ACTIVE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


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
