"""Stored files live under a per-tenant prefix, on disk and in S3 (moto's server on loopback)."""
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import override_settings

from tenants.storage import TenantFileSystemStorage, tenant_files_purge
from tests.fixtures_s3 import S3_BUCKET as BUCKET

def _keys(client, prefix=""):
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])]


def test_s3_keys_are_prefixed_by_tenant_and_invisible_to_others(site_a, site_b, s3):
    with site_a:
        name = default_storage.save("docs/notes.txt", ContentFile(b"acme secret"))
        url = default_storage.url(name)
    assert f"tenants/{site_a.tenant.schema_name}/{name}" in _keys(s3)
    assert "X-Amz-Signature" in url and "X-Amz-Expires=300" in url
    with urllib.request.urlopen(url) as response:  # the short-lived signed URL really serves the file
        assert response.read() == b"acme secret"
    with site_b:
        assert not default_storage.exists(name)
        with pytest.raises(FileNotFoundError):
            default_storage.open(name).read()
    with site_a:
        assert default_storage.open(name).read() == b"acme secret"


def test_s3_purge_removes_only_that_tenants_files(site_a, site_b, s3):
    with site_a:
        default_storage.save("purge/a.txt", ContentFile(b"a"))
    with site_b:
        default_storage.save("purge/b.txt", ContentFile(b"b"))
    tenant_files_purge(site_a.tenant.schema_name)
    assert _keys(s3, f"tenants/{site_a.tenant.schema_name}/") == []
    assert _keys(s3, f"tenants/{site_b.tenant.schema_name}/purge/")


def test_local_files_live_under_the_tenant_folder(site_a, site_b, tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        storage = TenantFileSystemStorage()
        with site_a:
            name = storage.save("x/report.txt", ContentFile(b"acme"))
            path = Path(storage.path(name))
        assert path == tmp_path / "tenants" / site_a.tenant.schema_name / name
        assert path.read_bytes() == b"acme"
        with site_b:
            assert not storage.exists(name)
        tenant_files_purge(site_a.tenant.schema_name)
        assert not path.exists()


def test_path_traversal_out_of_the_tenant_folder_is_refused(site_a, tmp_path):
    from django.core.exceptions import SuspiciousFileOperation

    with override_settings(MEDIA_ROOT=tmp_path):
        storage = TenantFileSystemStorage()
        with site_a, pytest.raises(SuspiciousFileOperation):
            storage.path("../t_globex/secret.txt")
