"""Fingerprints of one tenant's data: an md5 per table (one SQL query) and per stored file."""
from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import connection

from tenants.storage import tenant_prefix

_TABLES: dict[str, list[str]] = {}


def _tables(schema: str) -> list[str]:
    if schema not in _TABLES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                           "AND table_type = 'BASE TABLE' ORDER BY table_name", [schema])
            _TABLES[schema] = [row[0] for row in cursor.fetchall()]
    return _TABLES[schema]


def schema_checksum(schema: str) -> dict[str, str]:
    """{table: md5 of all its rows in a stable order} of a schema, in one query (on the caller's
    connection, so inside its transaction). The table list is read from information_schema once."""
    q = connection.ops.quote_name
    parts = [f"SELECT %s, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {q(schema)}.{q(table)} t"
             for table in _tables(schema)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), _tables(schema))
        return dict(cursor.fetchall())


def files_checksum(schema: str) -> dict[str, str]:
    """{relative path: md5} of every file stored under the tenant's prefix of MEDIA_ROOT."""
    root = Path(settings.MEDIA_ROOT) / tenant_prefix(schema)
    if not root.exists():
        return {}
    return {str(path.relative_to(root)): hashlib.md5(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


def tenant_checksum(schema: str) -> dict[str, str]:
    return {f"table {k}": v for k, v in schema_checksum(schema).items()} | {
        f"file {k}": v for k, v in files_checksum(schema).items()}


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
