"""Shared fixtures: two institutions (cloned once per session) so every test can try the foreign one."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
import pytest_django.fixtures
from django.conf import settings
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

pytest_plugins = ["tests.fixtures_live", "tests.fixtures_s3", "tests.concurrency", "billing.testing"]

# pytest-django creates the test database only when a collected test is marked for it;
# tests that drive real processes (worker, web server) need it too without running inside
# a test transaction, so the database is always set up.
pytest_django.fixtures._get_databases_for_setup = lambda items: ({"default"}, set())

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


@dataclass
class Site:
    """One test institution: its tenant row and host name."""

    tenant: object
    host: str

    def client(self, user=None) -> Client:
        client = Client(HTTP_HOST=self.host)
        if user is not None:
            # The session (and last_login) must be written in this tenant's schema.
            with tenant_context(self.tenant):
                client.force_login(user, backend="tenant_apps.accounts.backends.EmailBackend")
            connection.set_schema_to_public()
        return client

    def make_user(self, role: str = "learner", email: str | None = None, password: str = PASSWORD, **extra):
        from tenant_apps.accounts.services import user_create

        email = email or f"{role}{next(_counter)}@{self.tenant.slug}.test"
        with tenant_context(self.tenant):
            user = user_create(email=email, password=password, role=role, **extra)
        return user

    def __enter__(self):
        self._ctx = tenant_context(self.tenant)
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from billing.models import Plan
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    with django_db_blocker.unblock():
        public_tenant_ensure()
        template_ensure()
        # The test institutions' plan has the features the suite uses (the API, custom domains);
        # plan-limit tests move an institution to a tighter plan inside their transaction.
        plan = Plan.objects.create(code="starter", name="Starter", price_amount=0, max_learners=100, features={
            "api_access": True, "custom_domain": True, "certificates": True, "crowdfunding": True,
        })
        Plan.objects.create(code="pro", name="Pro", price_amount=4900, features={"crowdfunding": True})
        for slug, name in (("acme", "Acme Academy"), ("globex", "Globex Institute")):
            tenant_create(
                name=name, slug=slug, plan=plan, admin_email=f"admin@{slug}.test", admin_password=PASSWORD,
                admin_first_name="Ada", admin_last_name=name.split()[0],
            )
        connection.set_schema_to_public()
    yield


@pytest.fixture
def site_a(db) -> Site:
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


@pytest.fixture
def site_b(db) -> Site:
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="globex"), f"globex.{settings.PLATFORM_DOMAIN}")


@pytest.fixture
def public_client(db) -> Client:
    return Client(HTTP_HOST=settings.PLATFORM_DOMAIN)


@pytest.fixture
def admin_a(site_a):
    from django.contrib.auth.models import User

    with site_a:
        return User.objects.select_related("profile").get(username="admin@acme.test")


@pytest.fixture
def admin_b(site_b):
    from django.contrib.auth.models import User

    with site_b:
        return User.objects.select_related("profile").get(username="admin@globex.test")


@pytest.fixture(autouse=True)
def _reset_schema_and_cache():
    yield
    from django.core.cache import cache

    from tenants.middleware import routing_cache_clear

    connection.set_schema_to_public()
    cache.clear()
    routing_cache_clear()
