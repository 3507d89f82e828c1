"""Helpers for the tenants tests."""
from django.db import connection


def schema_of(slug: str) -> bool:
    """Whether any schema exists for this subdomain (schema names are t_<slug>_<random>)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name LIKE %s",
                       ["t\\_" + slug.replace("-", "\\_") + "\\_%"])
        return cursor.fetchone() is not None
