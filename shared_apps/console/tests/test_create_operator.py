import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

PASSWORD = "operator-pass-phrase-1"


def test_create_operator_then_log_in(public_client):
    call_command("create_operator", email="Chief@EduCrowd.test", password=PASSWORD)
    user = User.objects.get(username="chief@educrowd.test")
    assert user.is_staff and user.is_active and not user.is_superuser
    response = public_client.post("/console/login/", {"username": "chief@educrowd.test", "password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY in public_client.session


def test_create_operator_is_idempotent_and_updates_the_password():
    call_command("create_operator", email="chief@educrowd.test", password=PASSWORD, superuser=True)
    call_command("create_operator", email="chief@educrowd.test", password="a-new-pass-phrase-2")
    users = User.objects.filter(username="chief@educrowd.test")
    assert users.count() == 1
    user = users.get()
    assert user.check_password("a-new-pass-phrase-2") and not user.check_password(PASSWORD)
    from shared_apps.console.access import operator_role

    assert operator_role(user) == "admin"  # a password reset does not demote


def test_create_operator_promotes_an_existing_non_staff_user():
    User.objects.create_user(username="plain@educrowd.test", email="plain@educrowd.test", password="whatever-123456")
    call_command("create_operator", email="plain@educrowd.test", password=PASSWORD, superuser=True)
    user = User.objects.get(username="plain@educrowd.test")
    from shared_apps.console.access import operator_role

    assert user.is_staff and operator_role(user) == "admin"


def test_create_operator_works_in_the_public_schema_only(site_a):
    from django.db import connection
    from django_tenants.utils import tenant_context

    with tenant_context(site_a.tenant):
        call_command("create_operator", email="x@educrowd.test", password=PASSWORD)
    connection.set_schema_to_public()
    assert User.objects.filter(username="x@educrowd.test").exists()
    with tenant_context(site_a.tenant):
        assert not User.objects.filter(username="x@educrowd.test").exists()


@pytest.mark.parametrize("email,password", [("chief@educrowd.test", "short"), ("not-an-email", PASSWORD)])
def test_create_operator_refuses_weak_passwords_and_bad_emails(email, password):
    with pytest.raises(CommandError):
        call_command("create_operator", email=email, password=password)
    assert not User.objects.filter(is_staff=True).exists()
