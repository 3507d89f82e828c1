"""File storage with a per-tenant prefix: `tenants/<schema>/...` on disk or in the S3 bucket.

The prefix comes from the connection's current schema at the moment of each call, so a
file written while serving tenant A can only be addressed while serving tenant A.
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.utils._os import safe_join
from storages.backends.s3 import S3Storage
from storages.utils import safe_join as s3_safe_join

logger = logging.getLogger(__name__)


def tenant_prefix(schema_name: str | None = None) -> str:
    return f"tenants/{schema_name or connection.schema_name}"


class TenantFileSystemStorage(FileSystemStorage):
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


class TenantS3Storage(S3Storage):
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
