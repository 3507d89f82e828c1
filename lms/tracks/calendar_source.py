"""Project-step due dates in the calendar (tenant_apps.calendar source "project_steps"): the steps with a
due date of the published tracks a learner has joined; and, for reminders, every such step with the
joined learners who have not handed it in. A constant number of queries."""
from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from tenant_apps.calendar.api import CalendarEntry

from .models import ProjectStep, StepSubmission, TrackEnrollment


def _steps(start: datetime, end: datetime):
    return (ProjectStep.objects.filter(due_at__gte=start, due_at__lt=end, project__track_item__track__is_published=True)
            .select_related("project__track_item__track").order_by("due_at", "id"))


def _entry(step: ProjectStep) -> CalendarEntry:
    track = step.project.track_item.track
    return CalendarEntry(
        uid=f"project-step-{step.uuid}", kind="project_step", title=f"{step.project.title}: {step.title}",
        start=step.due_at, url=reverse("tracks:project", kwargs={"slug": track.slug, "project_uuid": step.project.uuid}),
        context=track.title, sequence=step.due_sequence, modified_at=step.due_changed_at)


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    if not user.is_authenticated:
        return []
    steps = _steps(start, end).filter(project__track_item__track__enrollments__learner=user)
    return [_entry(step) for step in steps]


def deadlines(start: datetime, end: datetime) -> list[tuple[CalendarEntry, list[int]]]:
    steps = list(_steps(start, end))
    if not steps:
        return []
    learners: dict[int, list[int]] = {}
    for track_id, learner_id in TrackEnrollment.objects.filter(
            track_id__in={s.project.track_item.track_id for s in steps}).values_list("track_id", "learner_id"):
        learners.setdefault(track_id, []).append(learner_id)
    done = set(StepSubmission.objects.filter(step__in=steps).values_list("step_id", "learner_id").distinct())
    return [(_entry(step), [u for u in learners.get(step.project.track_item.track_id, []) if (step.pk, u) not in done])
            for step in steps]
