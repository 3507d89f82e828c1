"""Tenant-level background work. Tasks run in the schema they were sent from."""
from celery import shared_task


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=5)
def tenant_usage_snapshot(self) -> dict:
    from .selectors import tenant_usage_current

    return tenant_usage_current()


def send_to_every_tenant(task) -> int:
    """Queue `task` once in each institution's schema (for beat entries, which run in public)."""
    from django_tenants.utils import schema_context

    from .models import Tenant

    schemas = Tenant.objects.filter(is_template=False).exclude(schema_name="public").values_list("schema_name", flat=True)
    for schema in schemas:
        with schema_context(schema):  # the schema travels in the task's headers
            task.delay()
    return len(schemas)


@shared_task
def tenant_usage_refresh_all() -> int:
    """Beat entry point (public schema): fan out one snapshot per institution."""
    return send_to_every_tenant(tenant_usage_snapshot)


from .mail import mail_deliver  # noqa: E402,F401 - registers the mail task with the worker


@shared_task
def tenant_pending_expire() -> int:
    """Beat entry point (public schema): drop unconfirmed sign-ups past SIGNUP_PENDING_HOURS."""
    from .services import tenant_pending_expire_all

    return tenant_pending_expire_all()
