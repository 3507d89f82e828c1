"""Account pages of an institution's site: log in/out, lockout, sign-up, verification,
password reset, invitations, profile, hand-off from the public site, and the token API."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.utils import timezone

from conftest import PASSWORD
from tenant_apps.accounts import services
from tenants import lockout
from tenant_apps.accounts.models import Invitation, Profile
from tenant_apps.accounts.roles import role_of
from tenant_apps.accounts.selectors import site_settings_get
from tenants.handoff import handoff_token_make

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum-orchard-seventeen-lanterns"
LINK_RE = re.compile(r"https?://\S+")


def _text(response) -> str:
    return unescape(response.content.decode())


def _link_in(message, fragment: str) -> str:
    """The path (and query) of the first link in the email body that contains `fragment`."""
    links = [link for link in LINK_RE.findall(message.body) if fragment in link]
    assert links, f"no link with {fragment!r} in: {message.body}"
    parts = urlsplit(links[0])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _login(client, email: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": email, "password": password}, **extra)


def _signed_in_as(client) -> str | None:
    """The email the home page says we are signed in as, or None."""
    match = re.search(r"You are signed in as <strong>([^<]+)</strong>", client.get("/").content.decode())
    return unescape(match.group(1)) if match else None


def _client_as(site, user):
    # Site.client(user) logs in from the public schema; the session and last_login belong in the tenant's.
    with site:
        return site.client(user)


def _open_self_registration(site, capture) -> None:
    with site:
        with capture(execute=True):  # runs the settings cache clear, inside the tenant schema
            services.site_settings_update(site=site_settings_get(), allow_self_registration=True)


# --- log in / log out ----------------------------------------------------------------------

def test_login_by_email_is_case_insensitive(site_a):
    client = site_a.client()
    response = _login(client, "  ADMIN@Acme.Test ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == "admin@acme.test"
    assert "(Administrator)" in _text(client.get("/"))  # the role's name, not its code


def test_wrong_password_is_a_form_error(site_a):
    client = site_a.client()
    response = _login(client, "admin@acme.test", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Email and password do not match an active account."]
    assert "Email and password do not match an active account." in _text(response)
    assert _signed_in_as(client) is None


def test_inactive_user_cannot_log_in(site_a, admin_a):
    user = site_a.make_user("learner")
    with site_a:
        services.user_set_active(user=user, active=False, actor=admin_a)
    client = site_a.client()
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _signed_in_as(client) is None


def test_session_key_rotates_at_login(site_a):
    client = site_a.client()
    with site_a:  # sessions live in the tenant schema
        session = client.session
        session["before_login"] = True
        session.save()
    key_before = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == key_before

    assert _login(client, "admin@acme.test", PASSWORD).status_code == 302
    key_after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key_after != key_before
    with site_a:
        assert not Session.objects.filter(session_key=key_before).exists()
        assert Session.objects.filter(session_key=key_after).exists()


def test_logout_by_post(site_a, admin_a):
    client = _client_as(site_a, admin_a)
    assert _signed_in_as(client) == "admin@acme.test"
    assert client.get("/accounts/logout/").status_code == 405  # a link cannot log you out
    assert _signed_in_as(client) == "admin@acme.test"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _signed_in_as(client) is None
    assert client.get("/accounts/profile/").status_code == 302


def test_lockout_after_repeated_failures_refuses_even_the_right_password(site_a):
    client = site_a.client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _login(client, "admin@acme.test", "wrong-password").status_code == 200
    response = _login(client, "admin@acme.test", PASSWORD)
    assert response.status_code == 200
    assert lockout.LOCKED_OUT_MESSAGE in _text(response)
    assert _signed_in_as(client) is None

    # Another address from the same IP, and the same address from another IP, are not locked.
    other = site_a.make_user("learner")
    assert _login(site_a.client(), other.email, PASSWORD).status_code == 302
    assert _login(site_a.client(), "admin@acme.test", PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 302


def test_failures_below_the_limit_do_not_lock(site_a):
    client = site_a.client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        _login(client, "admin@acme.test", "wrong-password")
    assert _login(client, "admin@acme.test", PASSWORD).status_code == 302


def test_user_of_another_institution_cannot_log_in_here(site_a, site_b):
    b_user = site_b.make_user("learner", email="only-on-b@example.test")
    client = site_a.client()
    for email in ("admin@globex.test", b_user.email):
        response = _login(client, email, PASSWORD)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert _signed_in_as(client) is None
    # The same credentials work on their own site.
    assert _login(site_b.client(), b_user.email, PASSWORD).status_code == 302


def test_session_from_one_institution_is_void_on_another(site_a, site_b, admin_a):
    client = _client_as(site_a, admin_a)
    assert _signed_in_as(client) == "admin@acme.test"
    client.defaults["HTTP_HOST"] = site_b.host  # same cookie jar, other institution's host
    assert _signed_in_as(client) is None
    assert client.get("/accounts/profile/").status_code == 302


# --- self sign-up and email verification ---------------------------------------------------

SIGNUP = {"first_name": "Lin", "last_name": "Learner", "email": "Lin@Example.Test",
          "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "accept_policies": "on"}


def test_signup_is_closed_by_default(site_a):
    client = site_a.client()
    response = client.get("/accounts/signup/")
    assert response.status_code == 403
    assert "Sign-up is by invitation" in _text(response)
    assert client.post("/accounts/signup/", SIGNUP).status_code == 403
    with site_a:
        assert not User.objects.filter(username="lin@example.test").exists()


def test_signup_creates_logged_in_learner_and_sends_verification(
    site_a, django_capture_on_commit_callbacks, mailoutbox
):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    client = site_a.client()
    assert client.get("/accounts/signup/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", SIGNUP)
    assert response.status_code == 302
    assert _signed_in_as(client) == "lin@example.test"
    with site_a:
        user = User.objects.select_related("profile").get(username="lin@example.test")
        assert role_of(user) == "learner"
        assert user.profile.email_verified_at is None
    assert [m.to for m in mailoutbox] == [["lin@example.test"]]

    assert "not verified" in _text(client.get("/accounts/profile/"))
    response = client.get(_link_in(mailoutbox[0], "/accounts/verify/"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    with site_a:
        user.profile.refresh_from_db()
        assert user.profile.email_verified_at is not None
    page = _text(client.get("/accounts/profile/"))
    assert "verified" in page and "not verified" not in page


def test_verification_link_from_one_institution_is_void_on_another(
    site_a, site_b, django_capture_on_commit_callbacks, mailoutbox
):
    a_user = site_a.make_user("learner")
    with site_a, django_capture_on_commit_callbacks(execute=True):
        services.email_verification_send(user=a_user, base_url="http://acme.localhost/")
    path = _link_in(mailoutbox[0], "/accounts/verify/")
    # Give a B member the same public id, so only the institution binding can refuse the link.
    b_user = site_b.make_user("learner")
    with site_b:
        Profile.objects.filter(user=b_user).update(public_id=a_user.profile.public_id)

    response = site_b.client().get(path)
    assert response.status_code == 400
    assert "Link not valid" in _text(response)
    with site_b:
        assert Profile.objects.get(user=b_user).email_verified_at is None
    assert site_a.client().get(path).status_code == 302
    with site_a:
        assert Profile.objects.get(user=a_user).email_verified_at is not None


def test_tampered_verification_link_is_refused(site_a):
    assert site_a.client().get("/accounts/verify/not-a-real-token/").status_code == 400


def test_signup_with_existing_email_is_a_form_error(site_a, django_capture_on_commit_callbacks, mailoutbox):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    with site_a:
        users_before = User.objects.count()
    response = site_a.client().post("/accounts/signup/", {**SIGNUP, "email": "Admin@ACME.test"})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors
    assert "already exists" in _text(response)
    with site_a:
        assert User.objects.count() == users_before
    assert mailoutbox == []


def test_signup_with_overlong_email_is_a_form_error(site_a, django_capture_on_commit_callbacks):
    # auth_user.username holds 150 characters; a longer address must not reach the database.
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    response = site_a.client().post("/accounts/signup/", {**SIGNUP, "email": "x" * 140 + "@example.test"})
    assert response.status_code == 400
    assert "email" in response.context["form"].errors


@pytest.mark.parametrize("password", ["password123", "short", "1234567890123", "lin@example.test"])
def test_signup_with_weak_password_is_a_form_error(site_a, django_capture_on_commit_callbacks, password):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    client = site_a.client()
    response = client.post("/accounts/signup/", {**SIGNUP, "password1": password, "password2": password})
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    with site_a:
        assert not User.objects.filter(username="lin@example.test").exists()
    assert _signed_in_as(client) is None


def test_signup_with_differing_passwords_is_a_form_error(site_a, django_capture_on_commit_callbacks):
    _open_self_registration(site_a, django_capture_on_commit_callbacks)
    response = site_a.client().post("/accounts/signup/", {**SIGNUP, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 400
    assert "password2" in response.context["form"].errors


# --- password reset --------------------------------------------------------------------------

def _ask_reset(client, email):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def test_password_reset_page_answers_the_same_for_any_address(
    site_a, admin_a, django_capture_on_commit_callbacks, mailoutbox
):
    inactive = site_a.make_user("learner")
    with site_a:
        services.user_set_active(user=inactive, active=False, actor=admin_a)
    pages = []
    for email in ("nobody@acme.test", inactive.email, "admin@globex.test", "ADMIN@acme.test"):
        with django_capture_on_commit_callbacks(execute=True):
            response = _ask_reset(site_a.client(), email)
        assert response.redirect_chain == [("/accounts/password/reset/sent/", 302)]
        assert "Check your email" in _text(response)
        pages.append(re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode()))
    assert len(set(pages)) == 1  # nothing on the page tells whether the address has an account
    assert [m.to for m in mailoutbox] == [["admin@acme.test"]]


def test_password_reset_link_sets_a_new_password_once(
    site_a, django_capture_on_commit_callbacks, mailoutbox
):
    user = site_a.make_user("learner")
    with django_capture_on_commit_callbacks(execute=True):
        _ask_reset(site_a.client(), user.email)
    link = _link_in(mailoutbox[0], "/accounts/reset/")

    client = site_a.client()
    response = client.get(link, follow=True)
    assert response.context["validlink"] is True
    set_password_url = response.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reset/done/"

    assert _login(site_a.client(), user.email, PASSWORD).status_code == 200  # old password no longer works
    fresh = site_a.client()
    assert _login(fresh, user.email, NEW_PASSWORD).status_code == 302
    assert _signed_in_as(fresh) == user.email

    for again in (site_a.client(), client):
        response = again.get(link, follow=True)
        assert response.context["validlink"] is False
        assert "Link not valid" in _text(response)


def test_password_reset_link_is_void_on_another_institution(
    site_a, site_b, admin_a, admin_b, django_capture_on_commit_callbacks, mailoutbox
):
    assert admin_a.pk == admin_b.pk  # the link's user id names globex's admin too
    with django_capture_on_commit_callbacks(execute=True):
        _ask_reset(site_a.client(), "admin@acme.test")
    response = site_b.client().get(_link_in(mailoutbox[0], "/accounts/reset/"), follow=True)
    assert response.context["validlink"] is False


def test_password_reset_refuses_a_weak_new_password(site_a, django_capture_on_commit_callbacks, mailoutbox):
    user = site_a.make_user("learner")
    with django_capture_on_commit_callbacks(execute=True):
        _ask_reset(site_a.client(), user.email)
    client = site_a.client()
    response = client.get(_link_in(mailoutbox[0], "/accounts/reset/"), follow=True)
    response = client.post(response.redirect_chain[-1][0], {"new_password1": "password", "new_password2": "password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    with site_a:
        assert User.objects.get(pk=user.pk).check_password(PASSWORD)


# --- invitations -------------------------------------------------------------------------------

def _invite(site, capture, mailoutbox, *, email="invitee@example.test", role="instructor", invited_by=None):
    with site, capture(execute=True):
        invitation = services.invitation_create(
            email=email, role=role, invited_by=invited_by, base_url=f"http://{site.host}/"
        )
    return invitation, _link_in(mailoutbox[-1], "/accounts/invitation/")


ACCEPT = {"first_name": "Ivy", "last_name": "Invitee", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
          "accept_policies": "on"}


def test_invitation_link_creates_account_with_the_invited_role(
    site_a, admin_a, django_capture_on_commit_callbacks, mailoutbox
):
    invitation, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox, invited_by=admin_a)
    client = site_a.client()
    response = client.get(link)
    assert response.status_code == 200
    assert "invitee@example.test" in _text(response)
    response = client.post(link, ACCEPT)
    assert response.status_code == 302
    assert _signed_in_as(client) == "invitee@example.test"
    with site_a:
        user = User.objects.select_related("profile").get(username="invitee@example.test")
        assert role_of(user) == "instructor"
        assert user.get_full_name() == "Ivy Invitee"
        assert user.profile.email_verified_at is not None
        invitation.refresh_from_db()
        assert invitation.accepted_at is not None


def _assert_invitation_refused(site, link):
    client = site.client()
    for response in (client.get(link), client.post(link, ACCEPT)):
        assert response.status_code == 404
        assert "Invitation not valid" in _text(response)
    with site:
        assert not User.objects.filter(username="invitee@example.test").exists()
    assert _signed_in_as(client) is None


def test_expired_invitation_is_refused(site_a, django_capture_on_commit_callbacks, mailoutbox):
    invitation, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    with site_a:
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    _assert_invitation_refused(site_a, link)


def test_revoked_invitation_is_refused(site_a, django_capture_on_commit_callbacks, mailoutbox):
    invitation, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    with site_a:
        services.invitation_revoke(invitation=invitation)
    _assert_invitation_refused(site_a, link)


def test_replaced_invitation_link_is_refused(site_a, django_capture_on_commit_callbacks, mailoutbox):
    _, old_link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    _, new_link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    assert old_link != new_link
    _assert_invitation_refused(site_a, old_link)


def test_used_invitation_is_refused(site_a, django_capture_on_commit_callbacks, mailoutbox):
    _, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    assert site_a.client().post(link, ACCEPT).status_code == 302
    with site_a:
        users_before = User.objects.count()
    client = site_a.client()
    for response in (client.get(link), client.post(link, {**ACCEPT, "first_name": "Mallory"})):
        assert response.status_code == 404
    with site_a:
        assert User.objects.count() == users_before
        assert User.objects.get(username="invitee@example.test").first_name == "Ivy"


def test_invitation_link_is_void_on_another_institution(site_a, site_b, django_capture_on_commit_callbacks, mailoutbox):
    _, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    response = site_b.client().post(link, ACCEPT)
    assert response.status_code == 404
    with site_b:
        assert not User.objects.filter(username="invitee@example.test").exists()


def test_invitation_with_weak_password_is_a_form_error(site_a, django_capture_on_commit_callbacks, mailoutbox):
    _, link = _invite(site_a, django_capture_on_commit_callbacks, mailoutbox)
    response = site_a.client().post(link, {**ACCEPT, "password1": "password", "password2": "password"})
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors
    with site_a:
        assert not User.objects.filter(username="invitee@example.test").exists()


# --- profile -------------------------------------------------------------------------------------

def test_profile_requires_login(site_a):
    response = site_a.client().get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_edits_names_and_shows_verified_state(site_a, admin_a):
    learner = site_a.make_user("learner")
    client = _client_as(site_a, learner)
    page = _text(client.get("/accounts/profile/"))
    assert learner.email in page and "not verified" in page

    response = client.post("/accounts/profile/", {"first_name": " Grace ", "last_name": "Hopper"})
    assert response.status_code == 302
    with site_a:
        learner.refresh_from_db()
    assert (learner.first_name, learner.last_name) == ("Grace", "Hopper")
    assert "Profile saved." in _text(client.get("/accounts/profile/"))

    response = client.post("/accounts/profile/", {"first_name": "", "last_name": "Hopper"})
    assert response.status_code == 400
    assert "first_name" in response.context["form"].errors

    page = _text(_client_as(site_a, admin_a).get("/accounts/profile/"))  # the founding admin is verified
    assert ">verified<" in page and "not verified" not in page


def test_profile_and_home_name_the_role(site_a):
    assistant = site_a.make_user("teaching_assistant")
    client = _client_as(site_a, assistant)
    assert "<dt>Role</dt><dd>Teaching assistant</dd>" in client.get("/accounts/profile/").content.decode()
    assert "(Teaching assistant)" in _text(client.get("/"))


# --- hand-off from the public sign-up --------------------------------------------------------------

def test_handoff_token_logs_in_once(site_a, admin_a):
    token = handoff_token_make(tenant_uuid=str(site_a.tenant.uuid), user_id=admin_a.pk)
    client = site_a.client()
    response = client.get("/accounts/handoff/", {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _signed_in_as(client) == "admin@acme.test"

    second = site_a.client()
    response = second.get("/accounts/handoff/", {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert _signed_in_as(second) is None


def test_handoff_token_for_one_institution_fails_on_another(site_a, site_b, admin_a, admin_b):
    assert admin_a.pk == admin_b.pk  # same numeric id on both sides: only the tenant binding protects B
    token = handoff_token_make(tenant_uuid=str(site_a.tenant.uuid), user_id=admin_a.pk)
    client = site_b.client()
    response = client.get("/accounts/handoff/", {"token": token})
    assert response["Location"] == "/accounts/login/"
    assert _signed_in_as(client) is None


def test_tampered_handoff_token_fails(site_a, admin_a):
    token = handoff_token_make(tenant_uuid=str(site_a.tenant.uuid), user_id=admin_a.pk)
    client = site_a.client()
    client.get("/accounts/handoff/", {"token": token[:-2] + ("aa" if not token.endswith("aa") else "bb")})
    assert _signed_in_as(client) is None


# --- token API -------------------------------------------------------------------------------------

def _obtain(client, email, password, **extra):
    return client.post("/api/v1/auth/token", {"email": email, "password": password}, content_type="application/json", **extra)


def _me(client, access):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {access}")


def test_token_from_one_institution_is_rejected_on_another(site_a, site_b, admin_a):
    response = _obtain(site_a.client(), "Admin@Acme.test", PASSWORD)
    assert response.status_code == 200
    tokens = response.json()
    assert set(tokens) == {"access", "refresh"}

    me = _me(site_a.client(), tokens["access"])
    assert me.status_code == 200
    assert me.json()["email"] == "admin@acme.test"
    assert me.json()["institution"]["subdomain"] == "acme"
    assert me.json()["role"] == "tenant_admin"

    with site_b:
        assert User.objects.filter(pk=admin_a.pk, is_active=True).exists()  # same numeric id exists on B
    response = _me(site_b.client(), tokens["access"])
    assert response.status_code == 401
    assert "message" in response.json()


def test_me_without_token_is_refused(site_a):
    response = site_a.client().get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"]


def test_refresh_token_is_bound_to_its_institution(site_a, site_b):
    b_tokens = _obtain(site_b.client(), "admin@globex.test", PASSWORD).json()
    response = site_a.client().post("/api/v1/auth/token/refresh", {"refresh": b_tokens["refresh"]}, content_type="application/json")
    assert response.status_code == 401
    assert "access" not in response.json()

    response = site_b.client().post("/api/v1/auth/token/refresh", {"refresh": b_tokens["refresh"]}, content_type="application/json")
    assert response.status_code == 200
    me = _me(site_b.client(), response.json()["access"])
    assert me.json()["institution"]["subdomain"] == "globex"


def test_token_with_wrong_password_is_401_json(site_a):
    response = _obtain(site_a.client(), "admin@acme.test", "wrong-password")
    assert response.status_code == 401
    assert response.json()["message"]
    assert "access" not in response.json()
    assert _obtain(site_a.client(), "admin@globex.test", PASSWORD).status_code == 401


def test_token_lockout_answers_429(site_a):
    client = site_a.client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert _obtain(client, "admin@acme.test", "wrong-password").status_code == 401
    response = _obtain(client, "admin@acme.test", PASSWORD)
    assert response.status_code == 429
    assert response.json()["message"] == lockout.LOCKED_OUT_MESSAGE
    assert _obtain(client, "admin@acme.test", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 200


def test_token_endpoint_is_throttled_per_client_and_institution(site_a, site_b, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "auth-token": "2/minute"}
    client = site_a.client()
    assert _obtain(client, "admin@acme.test", "wrong-password").status_code == 401
    assert _obtain(client, "admin@acme.test", PASSWORD).status_code == 200
    response = _obtain(client, "admin@acme.test", PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and response.json()["message"]
    assert int(response["Retry-After"]) > 0
    # Another client, and the same client on another institution, have their own allowance.
    assert _obtain(client, "admin@acme.test", PASSWORD, REMOTE_ADDR="10.4.4.4").status_code == 200
    assert _obtain(site_b.client(), "admin@globex.test", PASSWORD).status_code == 200


def test_refresh_endpoint_is_throttled(site_a, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "auth-refresh": "1/minute"}
    client = site_a.client()
    refresh = _obtain(client, "admin@acme.test", PASSWORD).json()["refresh"]
    post = lambda: client.post("/api/v1/auth/token/refresh", {"refresh": refresh}, content_type="application/json")  # noqa: E731
    assert post().status_code == 200
    response = post()
    assert response.status_code == 429 and response.json()["code"] == "throttled"


def test_openapi_schema(site_a):
    response = site_a.client().get("/api/v1/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/me" in document["paths"]
    assert "/api/v1/auth/token" in document["paths"]


def test_swagger_ui_assets_are_served_locally(site_a):
    client = site_a.client()
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page.lower()
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page), "page loads assets from another host"
    assert not re.search(r"https?://", page), "page names an absolute http(s) URL"
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", page)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    for asset in assets:
        asset_response = client.get(asset)
        assert asset_response.status_code == 200, asset
        if hasattr(asset_response, "streaming_content"):
            b"".join(asset_response.streaming_content)
        asset_response.close()
