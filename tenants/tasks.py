"""Tenant-level background work. Tasks run in the schema they were sent from."""
from config.celery import app


@app.task(bind=True, acks_late=True, max_retries=3, default_retry_delay=5)
def tenant_usage_snapshot(self) -> dict:
    from .selectors import tenant_usage_current

    return tenant_usage_current()


@app.task
def tenant_usage_refresh_all() -> int:
    """Beat entry point (public schema): fan out one snapshot per institution."""
    from django_tenants.utils import schema_context

    from .models import Tenant

    count = 0
    for schema in Tenant.objects.filter(is_template=False).exclude(schema_name="public").values_list("schema_name", flat=True):
        with schema_context(schema):
            tenant_usage_snapshot.delay()
        count += 1
    return count
