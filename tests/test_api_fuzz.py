"""A bounded schemathesis run over the institution API (its OpenAPI schema), as a tenant admin
with a tenant-bound token, in-process against the WSGI app: no input may produce a 5xx."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

@pytest.fixture
def tenant_api_schema(site_a):
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    # As Django's test client does: requests must not close the test transaction's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers={"Host": site_a.host})
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(site_a):
    response = site_a.client().post("/api/v1/auth/token", {"email": "admin@acme.test", "password": PASSWORD},
                                    content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()["access"]


def test_no_api_input_is_a_server_error(admin_token, tenant_api_schema, site_a):
    from django.core import signals
    from django.db import close_old_connections

    # Django's test client re-connects this after each of its requests (the token fixture made one).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    headers = {"Host": site_a.host, "Authorization": f"Bearer {admin_token}"}
    server_errors, tried, answered = [], 0, 0

    for result in tenant_api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=3, derandomize=True, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal tried, answered
            tried += 1
            response = case.call(headers=headers)
            answered += response.status_code < 400
            if response.status_code >= 500:
                server_errors.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert tried > 100 and answered > 5, (tried, answered)  # the token works: not everything is refused
    assert server_errors == []
