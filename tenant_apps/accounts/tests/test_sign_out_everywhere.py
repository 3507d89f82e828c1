""""Sign out everywhere" (profile page and API) and deactivation end every browser session and
every access/refresh token of the user (issue 6, defect 8)."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from conftest import PASSWORD
from tenant_apps.accounts import services

pytestmark = pytest.mark.django_db


def _browser(site, email):
    client = site.client()
    response = client.post("/accounts/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _obtain(client, email):
    response = client.post("/api/v1/auth/token", {"email": email, "password": PASSWORD}, content_type="application/json")
    assert response.status_code == 200
    return response.json()


def _me(client, access):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def _refresh(client, token):
    return client.post("/api/v1/auth/token/refresh", {"refresh": token}, content_type="application/json")


def _with_cookie(site, cookie):
    client = site.client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def _signed_in(client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def test_profile_button_ends_every_session_and_token(site_a, django_capture_on_commit_callbacks):
    user = site_a.make_user("learner")
    here, elsewhere = _browser(site_a, user.email), _browser(site_a, user.email)
    old_cookie = here.cookies[settings.SESSION_COOKIE_NAME].value
    api = site_a.client()
    pair = _obtain(api, user.email)
    assert _signed_in(here) and _signed_in(elsewhere) and _me(api, pair["access"]).status_code == 200
    assert "Sign out everywhere" in here.get("/accounts/profile/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = here.post("/accounts/profile/sign-out-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"

    assert not _signed_in(here)  # the current browser too
    assert not _signed_in(elsewhere)  # another browser (its session was cached: cached_db)
    assert not _signed_in(_with_cookie(site_a, old_cookie))  # a copied cookie
    assert _me(api, pair["access"]).status_code == 401
    assert _refresh(api, pair["refresh"]).status_code == 401
    # Signing in again works and is not affected by the old epoch.
    again = _obtain(api, user.email)
    assert _me(api, again["access"]).status_code == 200
    assert _signed_in(_browser(site_a, user.email))


def test_api_sign_out_everywhere_ends_every_session_and_token(site_a, django_capture_on_commit_callbacks):
    user = site_a.make_user("instructor")
    browser = _browser(site_a, user.email)
    api = site_a.client()
    first, second = _obtain(api, user.email), _obtain(api, user.email)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/me/sign-out-everywhere", HTTP_AUTHORIZATION=f"Bearer {first['access']}")
    assert response.status_code == 204
    for pair in (first, second):
        assert _me(api, pair["access"]).status_code == 401
        assert _refresh(api, pair["refresh"]).status_code == 401
    assert not _signed_in(browser)


def test_sign_out_everywhere_needs_a_signed_in_user(site_a):
    assert site_a.client().post("/api/v1/me/sign-out-everywhere").status_code == 401
    assert site_a.client().post("/accounts/profile/sign-out-everywhere/").status_code == 302  # to login


def test_foreign_tenant_user_cannot_sign_out_anyone_here(site_a, site_b, admin_a, admin_b, django_capture_on_commit_callbacks):
    a_user = site_a.make_user("learner")
    a_browser = _browser(site_a, a_user.email)
    a_pair = _obtain(site_a.client(), a_user.email)
    b_pair = _obtain(site_b.client(), "admin@globex.test")
    b_browser = _browser(site_b, "admin@globex.test")
    # Globex's token and session cookie are refused on acme's host.
    with django_capture_on_commit_callbacks(execute=True):
        response = site_a.client().post("/api/v1/me/sign-out-everywhere", HTTP_AUTHORIZATION=f"Bearer {b_pair['access']}")
        assert response.status_code == 401
        b_cookie = b_browser.cookies[settings.SESSION_COOKIE_NAME].value
        response = _with_cookie(site_a, b_cookie).post("/accounts/profile/sign-out-everywhere/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Nothing on acme was ended, nor globex's own sign-in.
    assert _signed_in(a_browser) and _me(site_a.client(), a_pair["access"]).status_code == 200
    # acme's admin (same pk as globex's admin) keeps its sign-in.
    admin_a_pair = _obtain(site_a.client(), "admin@acme.test")
    assert _me(site_a.client(), admin_a_pair["access"]).status_code == 200
    assert _signed_in(b_browser) and _me(site_b.client(), b_pair["access"]).status_code == 200


def test_deactivation_ends_browser_sessions_and_tokens(site_a, admin_a, django_capture_on_commit_callbacks):
    user = site_a.make_user("learner")
    browser = _browser(site_a, user.email)
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    pair = _obtain(site_a.client(), user.email)
    with site_a, django_capture_on_commit_callbacks(execute=True):
        services.user_set_active(user=user, active=False, actor=admin_a)
    with site_a:
        assert not Session.objects.filter(session_key=cookie).exists()
        services.user_set_active(user=user, active=True, actor=admin_a)
    # Reactivated, the old session and tokens stay void.
    assert not _signed_in(_with_cookie(site_a, cookie))
    assert _me(site_a.client(), pair["access"]).status_code == 401
    assert _refresh(site_a.client(), pair["refresh"]).status_code == 401
