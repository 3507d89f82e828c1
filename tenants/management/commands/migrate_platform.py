"""Bring every schema up to date: public, the template, then each institution that needs it.

Unlike a bare `migrate_schemas`, schemas that already have every tenant migration are
skipped after one cheap catalogue query each (django-tenants#719: walking ~900 up-to-date
schemas takes minutes otherwise).
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tenants.models import Tenant
from tenants.provisioning import TEMPLATE_SCHEMA, migrate_schema, schema_missing_migrations
from tenants.services import public_tenant_ensure, template_ensure


class Command(BaseCommand):
    help = "Migrate the public schema, the template schema and every institution schema that is behind."

    def handle(self, *args, **options):
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
        public_tenant_ensure()
        template_ensure()
        behind = 0
        schemas = Tenant.objects.exclude(schema_name__in=["public", TEMPLATE_SCHEMA]).values_list("schema_name", flat=True)
        for schema in schemas:
            if schema_missing_migrations(schema):
                migrate_schema(schema)
                behind += 1
        self.stdout.write(f"public and template up to date; {behind} institution schema(s) migrated, "
                          f"{len(schemas) - behind} already current.")
