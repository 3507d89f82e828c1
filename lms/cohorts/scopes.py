"""A scope: the course or the track a cohort or a trainer assignment belongs to, with what the
cohorts app needs to know of it (staff, learners, permissions, its lock)."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet

from lms.courses import api as courses
from lms.tracks import api as tracks


@dataclass(frozen=True)
class Scope:
    course: courses.Course | None = None
    track: tracks.Track | None = None

    def __post_init__(self):
        if (self.course is None) == (self.track is None):
            raise ValueError("a scope is one course or one track")

    @property
    def kind(self) -> str:
        return "course" if self.course is not None else "track"

    @property
    def obj(self):
        return self.course if self.course is not None else self.track

    @property
    def rows(self) -> dict:
        """Filter (and create) keyword arguments of this scope's rows."""
        return {"course": self.course} if self.course is not None else {"track": self.track}

    @property
    def studio_path(self) -> str:
        return f"/studio/{'courses' if self.course is not None else 'tracks'}/{self.obj.slug}/"

    def lock(self) -> None:
        """Serialise every write that could cross a trainer's cap in this scope (the enrollment of a
        course already holds this lock: enrollment_create locks the course row)."""
        model = type(self.obj)
        list(model.objects.select_for_update(of=("self",)).filter(pk=self.obj.pk).values_list("pk", flat=True))

    def trainers(self) -> list[User]:
        """The scope's staff (instructors and teaching assistants), active accounts only, by email."""
        staff = courses.course_staff(self.course) if self.course is not None else tracks.track_staff(self.track)
        return [user for user, _role in staff if user.is_active]

    def learner_ids(self) -> QuerySet:
        """Ids of the learners currently in the scope (a dropped course enrollment does not count)."""
        if self.course is not None:
            return (courses.Enrollment.objects.filter(course=self.course)
                    .exclude(status=courses.Enrollment.Status.DROPPED).values("learner_id"))
        return tracks.TrackEnrollment.objects.filter(track=self.track).values("learner_id")

    def can_view(self, user) -> bool:
        if self.course is not None:
            return courses.can_view_staff_pages(user, self.course)
        return tracks.track_permission_has(user, tracks.TRACK_REVIEW, self.track)

    def can_manage(self, user) -> bool:
        if self.course is not None:
            return courses.can_edit(user, self.course)
        return tracks.track_permission_has(user, tracks.TRACK_EDIT, self.track)


def scope_for(kind: str, slug: str) -> Scope | None:
    if kind == "course":
        course = courses.Course.objects.filter(slug=slug).select_related("published_version").defer(
            "published_version__snapshot").first()
        return Scope(course=course) if course else None
    track = tracks.Track.objects.filter(slug=slug).first()
    return Scope(track=track) if track else None
