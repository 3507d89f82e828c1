"""Background work of the calendar: deadline reminders (beat, every few minutes, fanned out per institution)."""
from celery import shared_task


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
def deadline_reminders_task() -> int:
    from .reminders import deadline_reminders_send

    return deadline_reminders_send()


@shared_task
def deadline_reminders_everywhere() -> int:
    """Beat entry point (public schema): one reminder run per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(deadline_reminders_task)
