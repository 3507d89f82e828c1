"""Background work of announcements: the fan-out on publish, and the beat sweep (scheduled, expired).

Tasks run in the schema they were sent from (tenant-schemas-celery), take ids and only call services.
"""
from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def announcement_fanout_task(announcement_id: int) -> int:
    from .services import announcement_fanout

    return announcement_fanout(announcement_id=announcement_id)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=10)
def announcement_notify_chunk_task(announcement_id: int, user_ids: list[int]) -> int:
    from .services import announcement_notify_chunk

    return announcement_notify_chunk(announcement_id=announcement_id, user_ids=user_ids)


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def announcements_publish_due_task() -> dict:
    from .services import announcements_publish_due

    return announcements_publish_due()


@shared_task
def announcements_publish_due_everywhere() -> int:
    """Beat entry point (public schema): one sweep per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(announcements_publish_due_task)
