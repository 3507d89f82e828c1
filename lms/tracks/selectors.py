"""Reads for tracks: what a learner sees, item by item, and what staff review."""
from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import User
from django.db.models import QuerySet

from lms.courses.api import Enrollment

from .models import StepSubmission, Track, TrackEnrollment, TrackItem

STATES = ("locked", "unlocked", "in_progress", "submitted", "graded", "completed")


def track_list_published() -> QuerySet[Track]:
    return Track.objects.filter(is_published=True).order_by("title")


def track_items(track: Track) -> list[TrackItem]:
    return list(track.items.select_related("course__published_version", "project").prefetch_related("project__steps"))


def _learner_progress(learner: User, *, course_ids, tracks) -> tuple[dict, dict]:
    """The learner's live course enrollments and step-submission statuses, for these tracks (2 queries)."""
    enrollments, by_step = {}, defaultdict(set)
    if not learner.is_authenticated:
        return enrollments, by_step
    if course_ids:
        enrollments = {
            e.course_id: e for e in Enrollment.objects.filter(learner=learner, course_id__in=course_ids)
            .exclude(status=Enrollment.Status.DROPPED)
        }
    for step_id, status in StepSubmission.objects.filter(
        learner=learner, step__project__track_item__track__in=tracks
    ).values_list("step_id", "status"):
        by_step[step_id].add(status)
    return enrollments, by_step


def track_states(*, track: Track, learner: User, items: list[TrackItem] | None = None,
                 progress: tuple[dict, dict] | None = None) -> dict[int, str]:
    """State of each item for this learner: locked / unlocked / in_progress / submitted / graded / completed.

    A course is completed when its enrollment is; a project is 'submitted' when every step
    has a submission and 'graded' (which counts as completed) when every step is accepted.
    """
    items = items if items is not None else track_items(track)
    enrollments, by_step = progress if progress is not None else _learner_progress(
        learner, course_ids=[i.course_id for i in items if i.course_id], tracks=[track])

    states: dict[int, str] = {}
    previous_done = True
    for item in items:
        if item.kind == TrackItem.Kind.COURSE:
            enrollment = enrollments.get(item.course_id)
            if enrollment is None:
                own = "unlocked"
            elif enrollment.status == Enrollment.Status.COMPLETED:
                own = "completed"
            else:
                own = "in_progress"
        else:
            steps = list(item.project.steps.all())
            if not steps or not any(by_step.get(s.id) for s in steps):
                own = "unlocked"
            elif all("accepted" in by_step.get(s.id, set()) for s in steps):
                own = "graded"
            elif all(by_step.get(s.id) for s in steps):
                own = "submitted"
            else:
                own = "in_progress"
        if own == "unlocked" and not (track.free_order or previous_done):
            own = "locked"
        states[item.pk] = own
        previous_done = own in ("completed", "graded")
    return states


def tracks_for_dashboard(user: User) -> list[dict]:
    """The learner's tracks with each item's state, for the dashboard."""
    tracks = [e.track for e in TrackEnrollment.objects.filter(learner=user).select_related("track").order_by("created_at")]
    if not tracks:
        return []
    # A constant number of queries however many tracks the learner follows.
    items_by_track: dict[int, list[TrackItem]] = defaultdict(list)
    for item in (TrackItem.objects.filter(track__in=tracks).select_related("course__published_version", "project")
                 .prefetch_related("project__steps").order_by("position", "id")):
        items_by_track[item.track_id].append(item)
    progress = _learner_progress(user, tracks=tracks, course_ids=[
        i.course_id for items in items_by_track.values() for i in items if i.course_id])
    result = []
    for track in tracks:
        items = items_by_track[track.pk]
        states = track_states(track=track, learner=user, items=items, progress=progress)
        result.append({"track": track, "items": [(item, states[item.pk]) for item in items]})
    return result


def submissions_to_review(*, reviewer) -> QuerySet[StepSubmission]:
    """Pending hand-ins of the tracks this user reviews (track staff; every track for admins)."""
    from .permissions import REVIEW, tracks_user_can

    return StepSubmission.objects.filter(
        status=StepSubmission.Status.SUBMITTED, step__project__track_item__track__in=tracks_user_can(reviewer, REVIEW),
    ).select_related(
        "step__project__track_item__track", "learner"
    ).order_by("submitted_at")


def submissions_reviewable_by(*, reviewer) -> QuerySet[StepSubmission]:
    """Every hand-in (any status) of the tracks this user reviews."""
    from .permissions import REVIEW, tracks_user_can

    return StepSubmission.objects.filter(step__project__track_item__track__in=tracks_user_can(reviewer, REVIEW))


def course_lock_reason(*, course, learner) -> str | None:
    """Why this learner may not start `course` yet: it is locked in a track they follow (None: it is not)."""
    joined = Track.objects.filter(enrollments__learner=learner, free_order=False, items__course=course).distinct()
    for track in joined:
        items = track_items(track)
        states = track_states(track=track, learner=learner, items=items)
        for index, item in enumerate(items):
            if item.course_id == course.pk and states[item.pk] == "locked":
                previous = items[index - 1].title if index else ""
                return f"Finish “{previous}” in the track “{track.title}” first: this course unlocks after it."
    return None
