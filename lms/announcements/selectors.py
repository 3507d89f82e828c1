"""Reads of announcements: who may see which, the learner's lists (with read state), staff lists and reads."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from lms.courses.api import Course, Enrollment, can_view_staff_pages
from tenant_apps.accounts.api import is_tenant_admin

from .models import Announcement, AnnouncementAttachment, AnnouncementRead

User = get_user_model()
AUDIENCE_STATUSES = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def course_get(*, slug: str) -> Course | None:
    return Course.objects.filter(slug=slug).first()


def is_course_staff(*, user, course: Course) -> bool:
    """Course staff (instructors, teaching assistants) and tenant admins."""
    return can_view_staff_pages(user, course)


def is_enrolled(*, user, course_id: int) -> bool:
    return Enrollment.objects.filter(learner=user, course_id=course_id, status__in=AUDIENCE_STATUSES).exists()


def visible_q(now=None) -> Q:
    """Published and not expired: what an audience sees."""
    now = now or timezone.now()
    return Q(published_at__isnull=False) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def _enrolled_course_ids(user):
    return Enrollment.objects.filter(learner=user, status__in=AUDIENCE_STATUSES).values("course_id")


def _with_read(qs: QuerySet, user) -> QuerySet:
    return qs.annotate(is_read=Exists(AnnouncementRead.objects.filter(announcement=OuterRef("pk"), user=user)))


def announcement_list_for_user(*, user, course: Course | None = None, unread_only: bool = False) -> QuerySet:
    """What `user` sees as a member of the audience: tenant-wide ones and those of their courses (or
    only `course`'s), published and not expired, pinned first; each with `is_read`."""
    qs = Announcement.objects.filter(visible_q()).select_related("course", "author")
    if course is not None:
        qs = qs.filter(course=course)
    else:
        qs = qs.filter(Q(course__isnull=True) | Q(course_id__in=_enrolled_course_ids(user)))
    qs = _with_read(qs, user)
    if unread_only:
        qs = qs.filter(is_read=False)
    return qs.order_by("-pinned", "-published_at", "-id")


def announcement_get_for_viewer(*, user, public_id) -> Announcement | None:
    """A published, unexpired announcement `user` is in the audience of (or staff of); None otherwise."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    announcement = (_with_read(Announcement.objects.filter(visible_q(), public_id=public_id), user)
                    .select_related("course", "author").first())
    if announcement is None:
        return None
    if announcement.course_id is None:
        return announcement
    if is_enrolled(user=user, course_id=announcement.course_id) or is_course_staff(user=user, course=announcement.course):
        return announcement
    return None


def can_manage(*, user, announcement: Announcement) -> bool:
    """Who may edit/delete it and see its reads: the course's staff, or tenant admins for tenant-wide ones."""
    if announcement.course_id is None:
        return is_tenant_admin(user)
    return is_course_staff(user=user, course=announcement.course)


def staff_list(*, course: Course | None) -> QuerySet:
    """Every announcement of the course (None: the tenant-wide ones), any state, with read counts."""
    from django.db.models import Count

    qs = Announcement.objects.filter(course=course) if course is not None else Announcement.objects.filter(course__isnull=True)
    return qs.select_related("author").annotate(read_count=Count("reads")).order_by("-pinned", "-created_at", "-id")


def staff_get(*, course: Course | None, public_id) -> Announcement | None:
    qs = Announcement.objects.filter(public_id=public_id).select_related("course", "author")
    qs = qs.filter(course=course) if course is not None else qs.filter(course__isnull=True)
    return qs.first()


def reads_list(*, announcement: Announcement) -> QuerySet:
    return AnnouncementRead.objects.filter(announcement=announcement).select_related("user").order_by("read_at", "id")


def audience_size(*, announcement: Announcement) -> int:
    return audience_ids(announcement=announcement).count()


def audience_ids(*, announcement: Announcement) -> QuerySet:
    """User ids of the audience, ordered: the course's enrolled (active or completed) learners, or every
    active member for a tenant-wide one; never the author."""
    if announcement.course_id is not None:
        qs = (User.objects.filter(is_active=True, enrollments__course_id=announcement.course_id,
                                  enrollments__status__in=AUDIENCE_STATUSES))
    else:
        qs = User.objects.filter(is_active=True)
    if announcement.author_id:
        qs = qs.exclude(pk=announcement.author_id)
    return qs.order_by("pk").values_list("pk", flat=True).distinct()


def attachment_get_for_viewer(*, user, public_id, attachment_id) -> AnnouncementAttachment | None:
    """An attachment, to the announcement's audience (while visible) and to whoever manages it."""
    attachment = (AnnouncementAttachment.objects.select_related("announcement__course")
                  .filter(public_id=attachment_id, announcement__public_id=public_id).first())
    if attachment is None or not (user and user.is_authenticated):
        return None
    if can_manage(user=user, announcement=attachment.announcement):
        return attachment
    if announcement_get_for_viewer(user=user, public_id=public_id) is not None:
        return attachment
    return None
