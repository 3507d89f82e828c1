"""Creating tenant schemas fast: clone a verified template schema, else migrate (loudly).

A template that missed a migration would produce tenants that lack columns while their
`django_migrations` claims otherwise, so every clone first checks that the template has
applied exactly the tenant migrations on disk (docs/decisions/0002-clone-tenants-from-template.md).
"""
from __future__ import annotations

import functools
import logging

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

logger = logging.getLogger(__name__)

TEMPLATE_SCHEMA: str = settings.TENANT_BASE_SCHEMA


@functools.cache
def tenant_app_labels() -> frozenset[str]:
    names = set(settings.TENANT_APPS)
    return frozenset(cfg.label for cfg in apps.get_app_configs() if cfg.name in names)


@functools.cache
def tenant_migrations_on_disk() -> frozenset[tuple[str, str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = tenant_app_labels()
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


def schema_missing_migrations(schema_name: str) -> set[tuple[str, str]]:
    """The tenant migrations on disk that `schema_name` has not recorded as applied."""
    if not schema_exists(schema_name):
        return set(tenant_migrations_on_disk())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'django_migrations')",
            [schema_name],
        )
        if not cursor.fetchone()[0]:
            return set(tenant_migrations_on_disk())
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        applied = {(app, name) for app, name in cursor.fetchall()}
    return set(tenant_migrations_on_disk()) - applied


def migrate_schema(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"')
    call_command("migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0)
    connection.set_schema_to_public()


def _ensure_clone_function() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = 'clone_schema' LIMIT 1")
        if cursor.fetchone() is None:
            CloneSchema()._create_clone_schema_function()


def clone_template(schema_name: str) -> None:
    _ensure_clone_function()
    with connection.cursor() as cursor:
        cursor.execute("SELECT clone_schema(%s, %s, 'DATA')", [TEMPLATE_SCHEMA, schema_name])


def schema_provision(schema_name: str) -> str:
    """Create `schema_name` with every tenant migration applied; returns 'clone' or 'migrate'."""
    missing = schema_missing_migrations(TEMPLATE_SCHEMA)
    if not missing:
        clone_template(schema_name)
        return "clone"
    logger.warning(
        "Template schema %r is missing %d migration(s) (e.g. %s); creating %r by running migrations instead "
        "of cloning. Run `manage.py migrate_platform` to bring the template up to date.",
        TEMPLATE_SCHEMA, len(missing), sorted(missing)[:3], schema_name,
    )
    migrate_schema(schema_name)
    return "migrate"
