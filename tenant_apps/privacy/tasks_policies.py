"""Beat: announce policy versions whose effective date has passed ("new policy version" email)."""
from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=30)
def policy_announce_due_task(self) -> int:
    from .policies import policy_announce_due

    return policy_announce_due()


@shared_task
def policy_announce_due_everywhere() -> int:
    """Beat entry point (public schema): one announcement run per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(policy_announce_due_task)
