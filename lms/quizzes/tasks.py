"""Background work for quizzes: close timed attempts when their time is up.

Tasks run in the schema they were sent from (tenant-schemas-celery) and only call services.
Closing is idempotent; attempts are also closed lazily when their learner or staff look.
"""
from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def attempt_close_overdue_task(attempt_id: int) -> str | None:
    """Close one attempt if it is still open after its deadline (queued for the deadline)."""
    from .models import QuizAttempt
    from .services import attempt_close_if_overdue

    attempt = QuizAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        return None
    return attempt_close_if_overdue(attempt=attempt).status


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def attempts_close_overdue_task() -> int:
    """Sweep this institution's overdue attempts (for a beat schedule, if one is wanted)."""
    from .services import attempts_close_overdue

    return attempts_close_overdue()


@shared_task
def attempts_close_overdue_everywhere() -> int:
    """Beat entry point (public schema): sweep overdue attempts in every institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(attempts_close_overdue_task)
