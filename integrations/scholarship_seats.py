"""Courses and tracks as seats a scholarship campaign can fund (crowdfunding.api.seat_target_register).

Uses only `lms.courses.api`, `lms.tracks.api` and `crowdfunding.api`. A seat's reference is the
course's or track's UUID (stable when the slug changes). Enrolling is the LMS's own service with
source "scholarship": no payment is asked; the course's capacity and the plan's learner limit
hold (lms/courses/services/enrollment.py), and a refusal comes back as a ValidationError whose
message the staff see, the seat staying available.
"""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from crowdfunding.api import SeatTarget
from lms.courses.api import Course, Enrollment, enrollment_create
from lms.tracks.api import Track, TrackEnrollment, track_enroll


def _key(ref: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(ref))
    except ValueError:
        return None


class CourseSeats:
    kind = "course"

    def _course(self, ref: str) -> Course | None:
        key = _key(ref)
        if key is None:
            return None
        return Course.objects.filter(uuid=key, published_version__isnull=False).defer("published_version__snapshot").first()

    def describe(self, ref: str) -> SeatTarget | None:
        course = self._course(ref)
        if course is None:
            return None
        return SeatTarget(kind=self.kind, ref=str(course.uuid), title=course.title, price_amount=course.price_amount,
                          currency=course.price_currency, url=reverse("learn:course", args=[course.slug]))

    def choices(self) -> list[tuple[str, str]]:
        rows = Course.objects.filter(published_version__isnull=False).order_by("title").values_list("uuid", "title")
        return [(str(key), title) for key, title in rows[:500]]

    def enroll(self, ref: str, learner, *, awarded_by) -> str:
        course = self._course(ref)
        if course is None:
            raise ValidationError("The course is no longer published: nobody can be enrolled in it now.")
        enrollment = enrollment_create(course=course, learner=learner, source=Enrollment.Source.SCHOLARSHIP,
                                       enrolled_by=awarded_by, note="Scholarship seat")
        return str(enrollment.uuid)


class TrackSeats:
    kind = "track"

    def _track(self, ref: str) -> Track | None:
        key = _key(ref)
        return Track.objects.filter(uuid=key, is_published=True).first() if key else None

    def describe(self, ref: str) -> SeatTarget | None:
        track = self._track(ref)
        if track is None:
            return None
        return SeatTarget(kind=self.kind, ref=str(track.uuid), title=track.title, price_amount=track.price_amount,
                          currency=track.price_currency, url=reverse("tracks:detail", args=[track.slug]))

    def choices(self) -> list[tuple[str, str]]:
        rows = Track.objects.filter(is_published=True).order_by("title").values_list("uuid", "title")
        return [(str(key), title) for key, title in rows[:500]]

    def enroll(self, ref: str, learner, *, awarded_by) -> str:
        track = self._track(ref)
        if track is None:
            raise ValidationError("The track is no longer published: nobody can join it now.")
        joined = TrackEnrollment.objects.filter(track=track, learner=learner).first()
        if joined is not None and joined.source != TrackEnrollment.Source.SELF:
            raise ValidationError(f"{learner.email} already has “{track.title}” ({joined.get_source_display().lower()}).")
        if joined is not None and track.is_free:
            raise ValidationError(f"{learner.email} has already joined “{track.title}”.")
        membership = track_enroll(track=track, learner=learner, source=TrackEnrollment.Source.SCHOLARSHIP)
        return f"track-{membership.pk}"
