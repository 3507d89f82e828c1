"""Background work for certificates: automatic issue after grade/progress events, bulk issue.

Tasks run in the schema they were sent from (tenant-schemas-celery), take ids, call services.
"""
from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def certificate_auto_issue_task(*, learner_id: int, course_id: int | None = None, step_id: int | None = None) -> list[str]:
    from .services import certificate_auto_issue

    return certificate_auto_issue(learner_id=learner_id, course_id=course_id, step_id=step_id)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def bulk_issue_task(*, job_id: int) -> int:
    from .services import bulk_issue_run

    return bulk_issue_run(job_id=job_id).processed
