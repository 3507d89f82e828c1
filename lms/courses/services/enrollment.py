"""Enrollment: learners joining a course's current version (window, capacity, price), staff
enrolling many at once, dropping, and moving a learner to a newer version."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from billing.api import limit_check

from ..models import Course, CourseVersion, Enrollment
from ..signals import enrollment_created
from .progress import _recompute_progress


class PaymentRequired(Exception):
    """Self-enrollment into a paid course: the billing issue plugs checkout in here."""

    def __init__(self, course: Course):
        super().__init__(f"“{course.title}” is a paid course.")
        self.course = course


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
    course = (Course.objects.select_for_update(of=("self",)).select_related("published_version")
              .defer("published_version__snapshot").get(pk=course.pk))  # serialises capacity
    if course.published_version is None:
        raise ValidationError(f"“{course.title}” is not open for enrollment.")
    existing = Enrollment.objects.filter(course=course, learner=learner).first()
    if existing and existing.status != Enrollment.Status.DROPPED:
        raise ValidationError(f"{learner.email} is already enrolled in “{course.title}”.")
    # A scholarship seat (crowdfunding) is paid for by the campaign's backers: never refused for
    # payment, no enrollment window (staff award it, like a staff enrollment), but the plan's learner
    # limit and the course's capacity hold; a refused award leaves the seat open for staff to retry.
    if source != Enrollment.Source.PAYMENT:
        # Over the plan's learner limit (after a downgrade, say) nobody new joins a course; what
        # exists stays. A paid enrollment is not refused here: it was refused before checkout
        # (the self-enrollment that leads to checkout passes this check first), and the money is taken.
        limit_check("learners", adding=0)
    if source == Enrollment.Source.SELF:
        _check_window(course)
        from lms.tracks.api import course_lock_reason  # tracks build on courses: imported when used

        reason = course_lock_reason(course=course, learner=learner)
        if reason:
            raise ValidationError(reason)
        if not course.is_free:
            raise PaymentRequired(course)
    if source != Enrollment.Source.PAYMENT:  # a paid order checked window and capacity when it was placed
        _check_capacity(course)
    if existing:  # coming back after dropping: the record (and progress) is kept
        existing.status, existing.dropped_at, existing.source = Enrollment.Status.ACTIVE, None, source
        existing.enrolled_by, existing.note = enrolled_by, note.strip()[:500]
        existing.save()
        _tell_enrolled(existing)
        enrollment_created.send(sender=Enrollment, enrollment=existing)
        return existing
    enrollment = Enrollment.objects.create(
        course=course, learner=learner, version=course.published_version, source=source,
        enrolled_by=enrolled_by, note=note.strip()[:500],
    )
    _tell_enrolled(enrollment)
    enrollment_created.send(sender=Enrollment, enrollment=enrollment)
    return enrollment


_ENROLLED_EVENTS = {Enrollment.Source.PAYMENT: "enrollment_paid", Enrollment.Source.STAFF: "enrollment_staff"}


def _tell_enrolled(enrollment: Enrollment) -> None:
    """Paid and staff enrollments are notified (a self-enrollment is the learner's own click; a
    scholarship seat is told by crowdfunding, which awards it)."""
    event = _ENROLLED_EVENTS.get(enrollment.source)
    if event is None:
        return
    from tenant_apps.notifications.api import notify
    from tenants.api import site_url_for_tenant
    from django.db import connection

    path = f"/courses/{enrollment.course.slug}/"
    notify(event, [enrollment.learner], {"course": enrollment.course, "enrolled_by": enrollment.enrolled_by,
                                         "course_url": site_url_for_tenant(connection.tenant, path)},
           url=path, actor=enrollment.enrolled_by)


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
