import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import DataError, connection
from django_tenants.utils import schema_exists, tenant_context

from tenants.models import Domain, Tenant
from tenants.provisioning import TEMPLATE_SCHEMA, schema_missing_migrations
from tenants.services import tenant_create

from .helpers import schema_of

pytestmark = pytest.mark.django_db


def _create(slug="newu", **kw):
    return tenant_create(name="New U", slug=slug, admin_email="boss@newu.test", admin_password="a-long-enough-password", **kw)


def test_tenant_create_clones_schema_with_domain_and_admin():
    tenant = _create()
    assert schema_exists(tenant.schema_name)
    assert Domain.objects.get(tenant=tenant).domain == "newu.localhost"
    assert schema_missing_migrations(tenant.schema_name) == set()
    with tenant_context(tenant):
        admin = User.objects.get(username="boss@newu.test")
        assert [g.name for g in admin.groups.all()] == ["tenant_admin"]
        assert admin.check_password("a-long-enough-password")
        assert admin.password.startswith("argon2")


@pytest.mark.parametrize("slug", ["www", "admin", "api", "public", "static", "media", "mail", "Bad_Slug", "-x-", "ab", "a" * 41])
def test_invalid_or_reserved_subdomains_are_refused(slug):
    with pytest.raises(ValidationError) as exc:
        _create(slug=slug)
    assert "slug" in exc.value.message_dict
    assert not Tenant.objects.filter(slug=slug, is_template=False).exclude(schema_name="public").exists()


def test_taken_subdomain_is_refused():
    with pytest.raises(ValidationError, match="already taken"):
        _create(slug="acme")


def test_failed_provisioning_leaves_nothing_behind():
    # A 200-character address overflows auth_user.username: the database refuses the admin
    # row after the schema was already cloned and the domain written.
    long_email = "x" * 190 + "@broken.test"
    with pytest.raises(DataError):
        tenant_create(name="Broken", slug="broken", admin_email=long_email, admin_password="a-long-enough-password")
    assert not Tenant.objects.filter(slug="broken").exists()
    assert not Domain.objects.filter(domain="broken.localhost").exists()
    assert not schema_of("broken")


def test_stale_template_falls_back_to_migrations(caplog):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TEMPLATE_SCHEMA}.django_migrations WHERE app = 'accounts' AND name = '0002_role_groups'")
    assert ("accounts", "0002_role_groups") in schema_missing_migrations(TEMPLATE_SCHEMA)
    tenant = _create(slug="fallback")
    assert "missing 1 migration" in caplog.text
    assert schema_missing_migrations(tenant.schema_name) == set()


def _structure(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2", [schema])
        columns = cursor.fetchall()
        cursor.execute("SELECT tablename, indexname FROM pg_indexes WHERE schemaname = %s ORDER BY 1, 2", [schema])
        indexes = [(t, i.replace(schema, "S")) for t, i in cursor.fetchall()]
        cursor.execute(
            "SELECT conrelid::regclass::text, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = %s::regnamespace ORDER BY 1, 2, 3", [schema])
        constraints = [(r.split(".")[-1], t, d.replace(f'"{schema}".', "").replace(f"{schema}.", "")) for r, t, d in cursor.fetchall()]
    return columns, indexes, constraints


def test_copied_schema_matches_the_template_exactly():
    tenant = _create(slug="twin")
    assert _structure(tenant.schema_name) == _structure(TEMPLATE_SCHEMA)
    with tenant_context(tenant):
        # sequences continue past the copied rows: new rows get fresh ids
        from django.contrib.auth.models import Group

        assert Group.objects.create(name="extra").pk > max(Group.objects.exclude(name="extra").values_list("pk", flat=True))
