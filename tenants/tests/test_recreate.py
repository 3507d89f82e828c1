"""A subdomain deleted and signed up again must start clean: new schema name, none of the old cache."""
import re

from django.core.cache import cache
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from tenants.models import Tenant
from tenants.services import schema_name_for, tenant_cache_purge, tenant_create, tenant_delete


def _create():
    return tenant_create(name="Phoenix College", slug="phoenix-x", admin_email="admin@phoenix.test",
                         admin_password="a-Long-passw0rd!")


def test_recreated_subdomain_gets_a_new_schema_and_none_of_the_old_cache(committed_db):
    first = _create()
    second = None
    try:
        with tenant_context(first):
            cache.set("dashboard:summary", "old institution's data", 600)
            assert cache.get("dashboard:summary") == "old institution's data"
        old_schema = first.schema_name
        tenant_delete(tenant=first, confirmation="phoenix-x")
        assert not schema_exists(old_schema)

        second = _create()
        assert second.schema_name != old_schema
        with tenant_context(second):
            assert cache.get("dashboard:summary") is None
        # and the old schema's keys are gone from Redis, whoever would ask for them
        connection.set_schema_to_public()
        client = cache._cache.get_client(write=True)
        assert not list(client.scan_iter(match=f"{old_schema}:*"))
    finally:
        connection.set_schema_to_public()
        for tenant in Tenant.objects.filter(slug="phoenix-x"):
            tenant_delete(tenant=tenant, confirmation="phoenix-x")


def test_schema_names_are_unique_valid_identifiers(db):
    names = {schema_name_for("a-" + "x" * 38) for _ in range(50)}
    assert len(names) == 50
    for name in names:
        assert re.fullmatch(r"t_[a-z0-9_]+_[0-9a-f]{8}", name) and len(name) <= 63


def test_cache_purge_leaves_other_tenants_alone(committed_db):
    acme, globex = Tenant.objects.get(slug="acme"), Tenant.objects.get(slug="globex")
    with tenant_context(acme):
        cache.set("purge-probe", "acme", 600)
    with tenant_context(globex):
        cache.set("purge-probe", "globex", 600)
    try:
        assert tenant_cache_purge(acme.schema_name) >= 1
        with tenant_context(acme):
            assert cache.get("purge-probe") is None
        with tenant_context(globex):
            assert cache.get("purge-probe") == "globex"
    finally:
        with tenant_context(globex):
            cache.delete("purge-probe")
        connection.set_schema_to_public()
