import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.middleware import routing_cache_clear
from tenants.services import tenant_suspend

pytestmark = pytest.mark.django_db


def test_routing_is_cached_and_forgotten_when_a_tenant_changes(site_a, settings):
    settings.TENANT_ROUTING_CACHE_SECONDS = 60
    routing_cache_clear()
    client = site_a.client()
    client.get("/healthz")
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/accounts/login/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/accounts/login/").status_code == 200
    assert any("tenants_domain" in q["sql"] for q in cold.captured_queries)
    assert not any("tenants_domain" in q["sql"] for q in warm.captured_queries)
    tenant_suspend(tenant=site_a.tenant, reason="unpaid")  # the save clears this process's cache at once
    assert client.get("/accounts/login/").status_code == 403
    routing_cache_clear()


def test_unknown_hosts_are_cached_as_unknown(settings, db):
    from django.test import Client

    settings.TENANT_ROUTING_CACHE_SECONDS = 60
    routing_cache_clear()
    client = Client(HTTP_HOST="nobody.localhost")
    assert client.get("/").status_code == 404
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/").status_code == 404
    assert not any("tenants_domain" in q["sql"] for q in warm.captured_queries)
    routing_cache_clear()
