"""File storage with a per-tenant prefix: `tenants/<schema>/...` on disk or in the S3 bucket.

The prefix comes from the connection's current schema at the moment of each call, so a
file written while serving tenant A can only be addressed while serving tenant A.

Every save first asks the registered storage checks (billing registers the plan's storage
limit) with the size about to be added; a check refuses by raising (a ValidationError
subclass), before anything is written. The bytes a tenant stores are kept as a running total
in the (tenant-prefixed) cache, so a check never walks the store: the first read after the
cache is empty (or the daily usage refresh) counts the files; saves and deletes adjust it.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils._os import safe_join
from storages.backends.s3 import S3Storage
from storages.utils import safe_join as s3_safe_join

logger = logging.getLogger(__name__)


STORAGE_USED_KEY = "storage-used:v1"  # tenant-prefixed by the cache key function
STORAGE_USED_SECONDS = 24 * 3600  # recounted at least daily, so drift (a crash mid-save) heals

# Checks run before every save, registered from AppConfig.ready(): check(adding_bytes) raises to refuse.
_storage_checks: list[Callable[[int], None]] = []


def tenant_storage_check_register(check: Callable[[int], None]) -> None:
    if check not in _storage_checks:
        _storage_checks.append(check)


def tenant_storage_used() -> int:
    """Bytes stored by the institution whose schema is active (cached running total)."""
    used = cache.get(STORAGE_USED_KEY)
    if used is None:
        used = tenant_files_size(connection.schema_name)
        cache.add(STORAGE_USED_KEY, used, STORAGE_USED_SECONDS)
    return int(used)


def tenant_storage_used_set(used: int) -> None:
    """Record a fresh count (the usage refresh just walked the store)."""
    cache.set(STORAGE_USED_KEY, int(used), STORAGE_USED_SECONDS)


def _storage_used_add(delta: int) -> None:
    if not delta:
        return
    try:
        cache.incr(STORAGE_USED_KEY, delta)
    except ValueError:  # not counted yet: the next read counts the files, this one included
        pass


def _content_size(content) -> int:
    try:
        return int(content.size or 0)
    except (AttributeError, TypeError, ValueError, OSError):
        return 0


class _CheckedSaves:
    """Storage mixin: run the storage checks before a save, keep the running total after."""

    def _save(self, name, content):
        size = _content_size(content)
        for check in list(_storage_checks):
            check(size)
        saved = super()._save(name, content)
        _storage_used_add(size)
        return saved

    def delete(self, name):
        try:
            size = self.size(name) if name and self.exists(name) else 0
        except (OSError, ValueError):
            size = 0
        super().delete(name)
        _storage_used_add(-size)


def tenant_prefix(schema_name: str | None = None) -> str:
    return f"tenants/{schema_name or connection.schema_name}"


class TenantFileSystemStorage(_CheckedSaves, FileSystemStorage):
    """Local folder storage under MEDIA_ROOT/tenants/<schema>/. Files are served by views, never by URL."""

    @property
    def base_location(self):
        return str(Path(settings.MEDIA_ROOT) / tenant_prefix())

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    @property
    def base_url(self):
        return f"{settings.MEDIA_URL}{tenant_prefix()}/"

    def path(self, name):
        return safe_join(self.location, name)


class TenantS3Storage(_CheckedSaves, S3Storage):
    """S3 storage (boto3) with the tenant prefix on every key; URLs are short-lived signed URLs."""

    querystring_auth = True

    def _normalize_name(self, name):
        base = "/".join(p for p in (self.location.strip("/"), tenant_prefix()) if p)
        return s3_safe_join(base, name)


def tenant_files_purge(schema_name: str) -> None:
    """Delete every stored file of a tenant (after the tenant itself is gone)."""
    prefix = tenant_prefix(schema_name)
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("TenantS3Storage"):
        import boto3

        s3 = boto3.resource(
            "s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name=settings.AWS_S3_REGION_NAME,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        )
        s3.Bucket(settings.AWS_STORAGE_BUCKET_NAME).objects.filter(Prefix=prefix + "/").delete()
    else:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / prefix, ignore_errors=True)
    logger.info("stored files of %s purged", schema_name)


def tenant_files_size(schema_name: str) -> int:
    """Bytes of every stored file of a tenant (for its usage figures)."""
    prefix = tenant_prefix(schema_name)
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.endswith("TenantS3Storage"):
        import boto3

        s3 = boto3.resource(
            "s3", endpoint_url=settings.AWS_S3_ENDPOINT_URL, region_name=settings.AWS_S3_REGION_NAME,
            aws_access_key_id=settings.AWS_ACCESS_KEY_ID, aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
        )
        return sum(obj.size for obj in s3.Bucket(settings.AWS_STORAGE_BUCKET_NAME).objects.filter(Prefix=prefix + "/"))
    root = Path(settings.MEDIA_ROOT) / prefix
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())
