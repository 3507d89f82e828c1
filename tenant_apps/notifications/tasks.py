"""Background work of notifications: the daily digest (beat, fanned out per institution)."""
from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=60)
def digest_send_task(self) -> int:
    from .services import digest_send_for_tenant

    return digest_send_for_tenant()


@shared_task
def digest_send_everywhere() -> int:
    """Beat entry point (public schema): one digest run per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(digest_send_task)
