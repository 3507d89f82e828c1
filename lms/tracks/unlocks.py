"""“Item/project unlocked”: the moment a track item opens to a learner, told through the notification service.

Item states are computed lazily (selectors.track_states); nothing is stored when an item
unlocks. The moments when one can unlock are the two completions of the item before it, so
those are where the states are compared before and after:

- a course completed (its enrollment saved as completed for the first time: a pre_save /
  post_save pair on courses.Enrollment, like the certificate hooks), and
- a project graded (tracks.services.step_review accepting the last step).

Each item that was "locked" before and is open after is announced once ("project_unlocked";
the same event for a course or a project that opens). A track in free order has nothing locked,
so it never announces anything.
"""
from __future__ import annotations

from django.urls import reverse

from .models import Track, TrackItem


def _followed_tracks(*, learner, course_id: int | None = None, track_ids=None) -> list[Track]:
    qs = Track.objects.filter(enrollments__learner=learner, free_order=False)
    if course_id is not None:
        qs = qs.filter(items__course_id=course_id)
    if track_ids is not None:
        qs = qs.filter(pk__in=list(track_ids))
    return list(qs.distinct())


def states_before(*, learner, course_id: int | None = None, tracks: list[Track] | None = None) -> dict:
    """{track: (items, states)} of the learner's ordered tracks (those with this course, or `tracks`)."""
    from .selectors import track_items, track_states

    if tracks is None:
        tracks = _followed_tracks(learner=learner, course_id=course_id)
    out = {}
    for track in tracks:
        if track.free_order:
            continue
        items = track_items(track)
        out[track] = (items, track_states(track=track, learner=learner, items=items))
    return out


def unlocked_tell(*, learner, before: dict) -> int:
    """Compare with the states now; notify the learner of each item that opened -> how many."""
    from tenant_apps.notifications.api import notify_each

    from .selectors import track_states

    deliveries = []
    for track, (items, old) in before.items():
        new = track_states(track=track, learner=learner, items=items)
        for index, item in enumerate(items):
            if old.get(item.pk) == "locked" and new.get(item.pk) not in (None, "locked"):
                deliveries.append(_delivery(learner, track, item, items[index - 1] if index else None))
    if not deliveries:
        return 0
    # one event type; the url differs per item, so one call each (an unlock opens one item at a time)
    for recipient, context, url in deliveries:
        notify_each("project_unlocked", [(recipient, context)], url=url)
    return len(deliveries)


def _delivery(learner, track: Track, item: TrackItem, previous: TrackItem | None):
    from tenants.api import site_url_for_tenant
    from django.db import connection

    if item.kind == TrackItem.Kind.PROJECT:
        path = reverse("tracks:project", args=[track.slug, item.project.uuid])
    else:
        path = reverse("tracks:detail", args=[track.slug])
    context = {"track": track, "item_title": item.title, "item_kind": item.get_kind_display().lower(),
               "previous_title": previous.title if previous else "", "track_url": site_url_for_tenant(connection.tenant, path)}
    return learner, context, path


# --- the course-completion moment ----------------------------------------------------------------

def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save, pre_save

    Enrollment = apps.get_model("courses", "Enrollment")
    completed = Enrollment.Status.COMPLETED

    def enrollment_saving(sender, instance, update_fields=None, **kwargs):
        instance._track_unlock_before = None
        if instance.pk is None or instance.status != completed or (update_fields is not None and "status" not in update_fields):
            return
        if Enrollment.objects.filter(pk=instance.pk, status=completed).exists():
            return  # already completed: nothing new opens
        if not Track.objects.filter(enrollments__learner_id=instance.learner_id, free_order=False,
                                    items__course_id=instance.course_id).exists():
            return
        instance._track_unlock_before = states_before(learner=instance.learner, course_id=instance.course_id)

    def enrollment_saved(sender, instance, **kwargs):
        before = getattr(instance, "_track_unlock_before", None)
        instance._track_unlock_before = None
        if before:
            # the states read the enrollment row: this save has written it (same transaction)
            unlocked_tell(learner=instance.learner, before=before)

    pre_save.connect(enrollment_saving, sender=Enrollment, weak=False, dispatch_uid="tracks-unlock-before")
    post_save.connect(enrollment_saved, sender=Enrollment, weak=False, dispatch_uid="tracks-unlock-after")
