import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/console/login/"


def _post_login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_operator_logs_in_and_session_key_rotates(public_client, operator):
    before = public_client.session.session_key  # an anonymous session exists before login
    response = _post_login(public_client, "OPS@educrowd.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert int(public_client.session[SESSION_KEY]) == operator.pk
    assert public_client.session.session_key != before
    assert public_client.get("/console/").status_code == 200


def test_login_page_renders(public_client):
    response = public_client.get(LOGIN)
    assert response.status_code == 200
    assert b"Operator log in" in response.content


def test_login_follows_safe_next_only(public_client, operator):
    response = _post_login(public_client, operator.email, PASSWORD, next="/console/plans/")
    assert response["Location"] == "/console/plans/"
    public_client.post("/console/logout/")
    response = _post_login(public_client, operator.email, PASSWORD, next="https://evil.example/steal")
    assert response["Location"] == "/console/"


def test_wrong_password_is_refused(public_client, operator):
    response = _post_login(public_client, operator.email, "not-the-password")
    assert response.status_code == 400
    assert b"Email and password do not match" in response.content
    assert SESSION_KEY not in public_client.session


def test_non_staff_user_is_refused_with_a_clear_error(public_client, non_staff):
    response = _post_login(public_client, non_staff.email, PASSWORD)
    assert response.status_code == 400
    assert "This account is not a platform operator." in response.content.decode()
    assert SESSION_KEY not in public_client.session


def test_inactive_operator_cannot_log_in(public_client, operator):
    operator.is_active = False
    operator.save()
    response = _post_login(public_client, operator.email, PASSWORD)
    assert response.status_code == 400
    assert SESSION_KEY not in public_client.session


def test_tenant_member_credentials_do_not_open_the_console(public_client, site_a):
    # admin@acme.test lives in acme's schema; the console authenticates against the public one.
    response = _post_login(public_client, "admin@acme.test", PASSWORD)
    assert response.status_code == 400
    assert SESSION_KEY not in public_client.session


def test_lockout_after_five_failures_even_with_the_right_password(public_client, operator):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(5):
        assert _post_login(public_client, operator.email, "wrong-password").status_code == 400
    response = _post_login(public_client, operator.email, PASSWORD)
    assert response.status_code == 400
    assert b"Too many failed attempts" in response.content
    assert SESSION_KEY not in public_client.session


def test_four_failures_do_not_lock_out(public_client, operator):
    for _ in range(4):
        _post_login(public_client, operator.email, "wrong-password")
    assert _post_login(public_client, operator.email, PASSWORD).status_code == 302


def test_logout_is_post_only_and_ends_the_session(console):
    assert console.get("/console/logout/").status_code == 405
    assert SESSION_KEY in console.session
    response = console.post("/console/logout/")
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert console.get("/console/").status_code == 302


def test_signed_in_operator_visiting_login_goes_to_console(console):
    response = console.get(LOGIN)
    assert response.status_code == 302 and response["Location"] == "/console/"
