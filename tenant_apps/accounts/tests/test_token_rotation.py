"""Refresh tokens rotate on use; reuse of a rotated one revokes its whole family (issue 6, defect 8)."""
from __future__ import annotations

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _obtain(client, email="admin@acme.test"):
    response = client.post("/api/v1/auth/token", {"email": email, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def _refresh(client, token):
    return client.post("/api/v1/auth/token/refresh", {"refresh": token}, content_type="application/json")


def _me(client, access):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_refresh_rotates_and_the_old_token_is_refused(site_a):
    client = site_a.client()
    first = _obtain(client)
    response = _refresh(client, first["refresh"])
    assert response.status_code == 200
    second = response.json()
    assert set(second) == {"access", "refresh"} and second["refresh"] != first["refresh"]
    assert _me(client, second["access"]).status_code == 200
    again = _refresh(client, first["refresh"])
    assert again.status_code == 401 and again.json()["code"] == "token_not_valid"


def test_reuse_of_a_rotated_token_revokes_the_whole_family_only(site_a):
    client = site_a.client()
    stolen = _obtain(client)
    other_login = _obtain(client)  # another sign-in (another family) of the same user
    second = _refresh(client, stolen["refresh"]).json()
    third = _refresh(client, second["refresh"]).json()
    # The attacker replays the first token: refused, and every descendant is now revoked.
    assert _refresh(client, stolen["refresh"]).status_code == 401
    assert _refresh(client, third["refresh"]).status_code == 401
    # The other sign-in is not of that family and keeps working.
    assert _refresh(client, other_login["refresh"]).status_code == 200


def test_foreign_tenant_refresh_token_is_refused_and_not_rotated(site_a, site_b):
    b_tokens = _obtain(site_b.client(), "admin@globex.test")
    assert _refresh(site_a.client(), b_tokens["refresh"]).status_code == 401
    assert _refresh(site_b.client(), b_tokens["refresh"]).status_code == 200


def test_garbage_refresh_token_answers_401(site_a):
    response = _refresh(site_a.client(), "not-a-token")
    assert response.status_code == 401 and response.json()["code"] == "token_not_valid"


def test_password_change_voids_access_and_refresh_tokens(site_a):
    client = site_a.client()
    tokens = _obtain(client)
    assert _me(client, tokens["access"]).status_code == 200
    with site_a:
        from django.contrib.auth.models import User

        user = User.objects.get(username="admin@acme.test")
        user.set_password("a-brand-new-long-passphrase")
        user.save()
    assert _me(client, tokens["access"]).status_code == 401
    assert _refresh(client, tokens["refresh"]).status_code == 401
    with site_a:
        user.set_password(PASSWORD)
        user.save()


def test_deactivation_voids_access_and_refresh_tokens(site_a):
    client = site_a.client()
    tokens = _obtain(client)
    with site_a:
        from django.contrib.auth.models import User

        User.objects.filter(username="admin@acme.test").update(is_active=False)
    assert _me(client, tokens["access"]).status_code == 401
    assert _refresh(client, tokens["refresh"]).status_code == 401
    with site_a:
        User.objects.filter(username="admin@acme.test").update(is_active=True)
