"""Learner page bodies (dashboard, catalog results), cached per learner and invalidated by
version counters.

The body (courses, next items, deadlines, grades, tracks) is rebuilt only when something it
shows changed: a learner counter is bumped when that learner's enrollments, progress,
submissions, grades, quiz attempts or track work change; a content counter when any course,
version or track changes. Entries also expire after BODY_SECONDS, so time-based changes
(a deadline passing) show up within that. Keys carry the tenant schema (cache key function).
"""
from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

BODY_SECONDS = 60
COUNTER_SECONDS = 7 * 24 * 3600
CONTENT_KEY = "learn:dash-content-ver"


def _learner_key(user_id: int) -> str:
    return f"learn:dash-learner-ver:{user_id}"


def _bump(key: str) -> None:
    def do():
        if not cache.add(key, 1, COUNTER_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, COUNTER_SECONDS)
    transaction.on_commit(do)
    do()  # also now: readers inside this transaction (and tests) see the change at once


def learner_changed(user_id: int | None) -> None:
    if user_id:
        _bump(_learner_key(user_id))


def content_changed() -> None:
    _bump(CONTENT_KEY)


def body_key(user_id: int, page: str = "dashboard") -> str:
    """The cache key of one learner's rendered `page` body at the current content/learner versions."""
    versions = cache.get_many([CONTENT_KEY, _learner_key(user_id)])
    return f"learn:{page}-body:{user_id}:{versions.get(CONTENT_KEY, 0)}:{versions.get(_learner_key(user_id), 0)}"


def connect_signals() -> None:
    """Bump the counters on every save/delete of what the dashboard shows (AppConfig.ready)."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    def learner_field(field):
        def handler(sender, instance, **kwargs):
            learner_changed(getattr(instance, field, None))
        return handler

    def grade_handler(sender, instance, **kwargs):
        learner_changed(apps.get_model("assignments", "Submission").objects.filter(
            pk=instance.submission_id).values_list("learner_id", flat=True).first())

    def content_handler(sender, instance, **kwargs):
        content_changed()

    handlers = {
        "courses.Enrollment": learner_field("learner_id"),
        "assignments.Submission": learner_field("learner_id"),
        "assignments.Grade": grade_handler,
        "quizzes.QuizAttempt": learner_field("learner_id"),
        "tracks.TrackEnrollment": learner_field("learner_id"),
        "tracks.StepSubmission": learner_field("learner_id"),
        "courses.Course": content_handler,
        "courses.CourseVersion": content_handler,
        "tracks.Track": content_handler,
        "tracks.TrackItem": content_handler,
        "tracks.ProjectStep": content_handler,
    }
    for label, handler in handlers.items():
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(handler, sender=model, weak=False, dispatch_uid=f"dash-cache-{label}-{signal is post_save}")
