from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Institutions (tenants)"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .middleware import routing_cache_clear
        from .models import Domain, Tenant

        from celery.signals import task_postrun, task_prerun

        task_prerun.connect(_task_time_zone, dispatch_uid="tenants-task-time-zone")
        task_postrun.connect(_task_time_zone_reset, dispatch_uid="tenants-task-time-zone-reset")
        for model in (Tenant, Domain):
            post_save.connect(routing_cache_clear, sender=model, dispatch_uid=f"routing-cache-save-{model.__name__}")
            post_delete.connect(routing_cache_clear, sender=model, dispatch_uid=f"routing-cache-del-{model.__name__}")


def _task_time_zone(task=None, **_kwargs) -> None:
    """Tasks (emails sent from them) show times like the institution's pages. Connected after
    tenant-schemas-celery's schema switch (config.celery is imported first), so the tenant is set."""
    from django.db import connection

    from .middleware import tenant_time_zone_activate

    tenant_time_zone_activate(getattr(connection, "tenant", None))


def _task_time_zone_reset(**_kwargs) -> None:
    from django.utils import timezone

    timezone.deactivate()
