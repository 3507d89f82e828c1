"""Background work of crowdfunding besides settlement (crowdfunding/settlement.py): the backers'
CSV export. Tasks run in the schema they were sent from (tenant-schemas-celery), take ids and
only call the service."""
from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

EXPORT_GAVE_UP = "The export stopped because of an unexpected error; start a new one."


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=5)
def backers_export_run(self, export_id: int) -> str | None:
    """Write one backers' CSV; retried with backoff, then marked failed. Re-running is harmless."""
    from .exports import backers_export_fail, backers_export_write

    try:
        export = backers_export_write(export_id=export_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("backers export %s failed for good", export_id)
            backers_export_fail(export_id=export_id, error=EXPORT_GAVE_UP)
            raise
        raise self.retry(exc=exc, countdown=5 * 2 ** self.request.retries) from exc
    return export.status if export is not None else None
