"""Console fixtures: operators (public-schema users), their clients, throwaway tenants."""
from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from conftest import PASSWORD

BACKEND = "tenant_apps.accounts.backends.EmailBackend"
_slugs = itertools.count(1)


@pytest.fixture
def public_tenant(db):
    """The public schema's own tenant row (routes the platform domain; never listed in the console)."""
    from tenants.services import public_tenant_ensure

    return public_tenant_ensure()


def _user(email: str, **flags) -> User:
    return User.objects.create_user(username=email, email=email, password=PASSWORD, **flags)


def _operator(email: str, role: str) -> User:
    from shared_apps.console.services import operator_upsert

    user, _ = operator_upsert(email=email, password=PASSWORD, role=role)
    return user


@pytest.fixture
def operator(db) -> User:
    """A console admin (everything but being a superuser)."""
    return _operator("ops@educrowd.test", "admin")


@pytest.fixture
def support_operator(db) -> User:
    return _operator("support@educrowd.test", "support")


@pytest.fixture
def support_console(support_operator) -> Client:
    return _logged_in(support_operator)


@pytest.fixture
def superuser_operator(db) -> User:
    return _user("root@educrowd.test", is_staff=True, is_superuser=True)


@pytest.fixture
def non_staff(db) -> User:
    return _user("someone@educrowd.test")


def _logged_in(user) -> Client:
    client = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
    client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def console(operator) -> Client:
    return _logged_in(operator)


@pytest.fixture
def super_console(superuser_operator) -> Client:
    return _logged_in(superuser_operator)


@pytest.fixture
def non_staff_client(non_staff) -> Client:
    return _logged_in(non_staff)


@pytest.fixture
def make_tenant(db):
    """A real institution of the test's own (schema cloned); rolled back with the test."""
    from tenants.services import tenant_create

    def make(slug: str | None = None, name: str | None = None, **kwargs):
        slug = slug or f"console-t{next(_slugs)}"
        tenant = tenant_create(
            name=name or f"Console Test {slug}", slug=slug, admin_email=f"admin@{slug}.test",
            admin_password=PASSWORD, **kwargs,
        )
        # In production the tenant is created and dropped in separate transactions; inside one
        # test transaction the new rows' deferred FK checks would block DROP SCHEMA, so run them now.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return tenant

    return make
