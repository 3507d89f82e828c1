"""Thin hooks: a grade posted, a quiz graded, progress saved or a project step accepted queues
one automatic-issue check for that learner on commit (the task decides; it is idempotent)."""
from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _enqueue(**kwargs) -> None:
    def send():
        from .tasks import certificate_auto_issue_task

        try:
            certificate_auto_issue_task.apply_async(kwargs=kwargs)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the learner's request
            logger.exception("could not queue the certificate check %s", kwargs)
    transaction.on_commit(send)


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_save

    def enrollment_saved(sender, instance, created, update_fields=None, **kwargs):
        if update_fields is None or {"progress_percent", "status"} & set(update_fields):
            _enqueue(learner_id=instance.learner_id, course_id=instance.course_id)

    def grade_saved(sender, instance, **kwargs):
        if instance.status == "posted":
            submission = apps.get_model("assignments", "Submission").objects.filter(pk=instance.submission_id).values(
                "learner_id", "course_id").first()
            if submission:
                _enqueue(**submission)

    def attempt_saved(sender, instance, **kwargs):
        if instance.status == "graded":
            _enqueue(learner_id=instance.learner_id, course_id=instance.course_id)

    def step_saved(sender, instance, **kwargs):
        if instance.status == "accepted":
            _enqueue(learner_id=instance.learner_id, step_id=instance.step_id)

    for label, handler in (("courses.Enrollment", enrollment_saved), ("assignments.Grade", grade_saved),
                           ("quizzes.QuizAttempt", attempt_saved), ("tracks.StepSubmission", step_saved)):
        post_save.connect(handler, sender=apps.get_model(label), weak=False, dispatch_uid=f"certificates-{label}")
