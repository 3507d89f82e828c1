from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Institutions (tenants)"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .middleware import routing_cache_clear
        from .models import Domain, Tenant

        for model in (Tenant, Domain):
            post_save.connect(routing_cache_clear, sender=model, dispatch_uid=f"routing-cache-save-{model.__name__}")
            post_delete.connect(routing_cache_clear, sender=model, dispatch_uid=f"routing-cache-del-{model.__name__}")
