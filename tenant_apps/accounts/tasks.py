"""Background work for accounts: CSV member imports, clean-up of old invitations.

Tasks run in the schema they were sent from (tenant-schemas-celery) and only call services.
"""
from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)

IMPORT_GAVE_UP = "The import stopped because of an unexpected error. Members created so far are kept; upload the file again to finish."


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=5)
def user_import_run(self, user_import_id: int) -> str | None:
    """Process one CSV import; retried with backoff, then marked failed. Re-running is harmless."""
    from .services import user_import_fail, user_import_process

    try:
        user_import = user_import_process(user_import_id=user_import_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("user import %s failed for good", user_import_id)
            user_import_fail(user_import_id=user_import_id, error=IMPORT_GAVE_UP)
            raise
        raise self.retry(exc=exc, countdown=5 * 2 ** self.request.retries) from exc
    return user_import.status if user_import is not None else None


@shared_task(acks_late=True, max_retries=3, default_retry_delay=30)
def purge_expired_invitations_for_tenant() -> int:
    """Delete this institution's invitations that expired more than 30 days ago."""
    from .services import invitation_purge_expired

    return invitation_purge_expired()


@shared_task
def purge_expired_invitations() -> int:
    """Beat entry point (public schema): fan out one purge per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(purge_expired_invitations_for_tenant)
