"""Tenant-admin API: members, invitations, settings; who may call it; isolation between institutions;
the OpenAPI schema."""
from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from tenant_apps.accounts import services
from tenant_apps.accounts.models import Invitation, SiteSettings, UserImport
from tenant_apps.accounts.roles import Role, role_of

from .manage_helpers import api_client, client_as, csv_file, jwt_for, media_in_tmp  # noqa: F401 - media_in_tmp is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

USER_KEYS = {"id", "email", "first_name", "last_name", "role", "is_active", "email_verified", "date_joined"}


def _objects(site, admin, key: str) -> SimpleNamespace:
    member = site.make_user("learner", first_name="Mia", last_name=f"Member-{key}")
    with site:
        invitation = services.invitation_create(
            email=f"invitee-{key}@example.org", role=Role.INSTRUCTOR, invited_by=admin, base_url="http://unused/",
        )
        user_import = UserImport.objects.create(created_by=admin, original_name="list.csv", source="imports/none.csv")
    return SimpleNamespace(
        site=site, admin=admin, member=member, member_id=str(member.profile.public_id),
        invitation_id=str(invitation.public_id), import_id=str(user_import.public_id),
    )


@pytest.fixture
def world(site_a, site_b, admin_a, admin_b):
    return SimpleNamespace(a=_objects(site_a, admin_a, "a"), b=_objects(site_b, admin_b, "b"))


def _calls(o) -> list[tuple[str, str, dict | None]]:
    """(method, path, body) for every endpoint, addressing the objects of `o`'s institution."""
    return [
        ("get", "/api/v1/users", None),
        ("get", f"/api/v1/users/{o.member_id}", None),
        ("post", f"/api/v1/users/{o.member_id}/reset-password", None),
        ("patch", f"/api/v1/users/{o.member_id}", {"role": Role.TENANT_ADMIN, "is_active": False}),
        ("get", "/api/v1/invitations", None),
        ("post", "/api/v1/invitations", {"email": "someone-new@example.org", "role": Role.LEARNER}),
        ("delete", f"/api/v1/invitations/{o.invitation_id}", None),
        ("multipart", "/api/v1/users/imports", None),
        ("get", f"/api/v1/users/imports/{o.import_id}", None),
        ("get", "/api/v1/settings", None),
        ("patch", "/api/v1/settings", {"display_name": "Hijacked", "primary_color": "#000000"}),
    ]


def _call(client, method: str, path: str, body=None, **extra):
    if method == "multipart":
        return client.post(path, {"file": csv_file("email,first_name,last_name,role\nx@example.org,X,Y,learner\n")}, **extra)
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, body, content_type="application/json", **extra)


def _state(o) -> dict:
    with o.site:
        member = User.objects.get(pk=o.member.pk)
        site = SiteSettings.objects.get(pk=1)
        return {
            "member": (role_of(member), member.is_active),
            "invitations": sorted(Invitation.objects.values_list("email", "revoked_at")),
            "imports": UserImport.objects.count(),
            "users": User.objects.count(),
            "settings": (site.display_name, site.primary_color),
        }


def _assert_error_shape(response) -> dict:
    body = response.json()
    assert {"message", "code"} <= set(body), body
    return body


# --- who may call it -----------------------------------------------------------------------


def test_admin_token_works_on_every_endpoint(world, django_capture_on_commit_callbacks):
    client = api_client(world.a.site, jwt_for(world.a.site, "admin@acme.test"))
    expected = {"get": 200, "patch": 200, "post": 202, "delete": 204, "multipart": 202}
    for method, path, body in _calls(world.a):
        if path == "/api/v1/invitations" and method == "post":
            want = 201
        else:
            want = expected[method]
        with django_capture_on_commit_callbacks(execute=False):  # no task, no email
            response = _call(client, method, path, body)
        assert response.status_code == want, (method, path, response.content)


def test_anonymous_callers_get_401_and_change_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    client = api_client(world.a.site)
    before = _state(world.a)
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in _calls(world.a):
            response = _call(client, method, path, body)
            assert response.status_code == 401, (method, path)
            assert _assert_error_shape(response)["code"] == "not_authenticated"
    assert _state(world.a) == before
    assert mailoutbox == []


def test_learners_get_403_and_change_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    learner = world.a.site.make_user("learner", email="learner.api@acme.test")
    client = api_client(world.a.site, jwt_for(world.a.site, "learner.api@acme.test"))
    before = _state(world.a)
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in _calls(world.a):
            response = _call(client, method, path, body)
            assert response.status_code == 403, (method, path)
            assert _assert_error_shape(response)["code"] == "permission_denied"
    assert _state(world.a) == before
    assert mailoutbox == []
    assert learner.is_active


def test_learner_session_gets_403(world):
    client = client_as(world.a.site, world.a.site.make_user("learner"))
    assert client.get("/api/v1/users").status_code == 403


def test_admin_session_works(world):
    client = client_as(world.a.site, world.a.admin)
    assert client.get("/api/v1/users").status_code == 200


# --- isolation between institutions --------------------------------------------------------


def test_other_institutions_token_is_refused_here(world, mailoutbox, django_capture_on_commit_callbacks):
    """Globex's admin token, with Globex's and Acme's ids, on Acme's host: 401, nothing changes."""
    token_b = jwt_for(world.b.site, "admin@globex.test")
    assert api_client(world.b.site, token_b).get("/api/v1/users").status_code == 200  # valid at home
    client = api_client(world.a.site, token_b)
    before_a, before_b = _state(world.a), _state(world.b)
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in _calls(world.b) + _calls(world.a):
            response = _call(client, method, path, body)
            assert response.status_code == 401, (method, path)
            assert _assert_error_shape(response)["code"] == "token_not_valid"
    assert _state(world.a) == before_a and _state(world.b) == before_b
    assert mailoutbox == []


def test_other_institutions_session_is_refused_here(world, mailoutbox, django_capture_on_commit_callbacks):
    client_b = client_as(world.b.site, world.b.admin)
    before_a, before_b = _state(world.a), _state(world.b)
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in _calls(world.b) + _calls(world.a):
            response = _call(client_b, method, path, body, HTTP_HOST=world.a.site.host)
            assert response.status_code == 401, (method, path)  # not signed in there
    assert _state(world.a) == before_a and _state(world.b) == before_b
    assert mailoutbox == []


def test_admin_gets_404_for_another_institutions_ids(world, mailoutbox, django_capture_on_commit_callbacks):
    """Acme's admin on Acme's host with Globex's member, invitation and import ids: 404."""
    client = api_client(world.a.site, jwt_for(world.a.site, "admin@acme.test"))
    before_b = _state(world.b)
    foreign = [c for c in _calls(world.b) if world.b.member_id in c[1] or world.b.invitation_id in c[1] or world.b.import_id in c[1]]
    assert len(foreign) == 5
    with django_capture_on_commit_callbacks(execute=True):
        for method, path, body in foreign:
            response = _call(client, method, path, body)
            assert response.status_code == 404, (method, path)
            assert _assert_error_shape(response)["code"] == "not_found"
    assert _state(world.b) == before_b
    assert mailoutbox == []


def test_malformed_and_unknown_ids_are_json_404(world):
    client = api_client(world.a.site, jwt_for(world.a.site, "admin@acme.test"))
    for path in ("/api/v1/users/not-a-uuid", f"/api/v1/users/{uuid.uuid4()}", f"/api/v1/invitations/{uuid.uuid4()}",
                 "/api/v1/users/imports/42", f"/api/v1/users/{world.a.member.pk}"):
        method = "delete" if "invitations" in path else "get"
        response = getattr(client, method)(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


# --- members -------------------------------------------------------------------------------


@pytest.fixture
def admin_api(site_a, admin_a):
    return api_client(site_a, jwt_for(site_a, "admin@acme.test"))


@pytest.fixture
def roster(site_a):
    with site_a:
        zed = services.user_create(email="zed@zebra.org", first_name="Zed", last_name="Zebra", role=Role.LEARNER)
        ina = services.user_create(email="ina@example.org", first_name="Ina", last_name="Quiet", role=Role.INSTRUCTOR)
        services.user_set_active(user=ina, active=False)
    return SimpleNamespace(zed=zed, ina=ina)


def test_list_members_is_paginated_with_the_documented_fields(admin_api, roster):
    body = admin_api.get("/api/v1/users").json()
    assert body["count"] == 3 and {"next", "previous", "results"} <= set(body)
    zed = next(u for u in body["results"] if u["email"] == "zed@zebra.org")
    assert set(zed) == USER_KEYS
    assert zed["id"] == str(roster.zed.profile.public_id)
    assert zed["role"] == "learner" and zed["is_active"] is True and zed["email_verified"] is False
    page = admin_api.get("/api/v1/users", {"page_size": 1}).json()
    assert len(page["results"]) == 1 and page["next"]


def test_list_members_search_role_status(admin_api, roster):
    def emails(**params):
        return {u["email"] for u in admin_api.get("/api/v1/users", params).json()["results"]}

    assert emails(search="zebra") == {"zed@zebra.org"}
    assert emails(search="Quiet") == {"ina@example.org"}
    assert emails(role="instructor") == {"ina@example.org"}
    assert emails(status="inactive") == {"ina@example.org"}
    assert emails(status="active") == {"zed@zebra.org", "admin@acme.test"}
    assert emails(role="tenant_admin", status="active") == {"admin@acme.test"}
    response = admin_api.get("/api/v1/users", {"role": "owner"})
    assert response.status_code == 400 and "role" in response.json()["errors"]


def test_get_and_patch_a_member(site_a, admin_api, roster):
    url = f"/api/v1/users/{roster.zed.profile.public_id}"
    assert admin_api.get(url).json()["email"] == "zed@zebra.org"
    response = admin_api.patch(url, {"role": "instructor"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["role"] == "instructor"
    response = admin_api.patch(url, {"is_active": False}, content_type="application/json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    with site_a:
        zed = User.objects.get(pk=roster.zed.pk)
        assert role_of(zed) == Role.INSTRUCTOR and zed.is_active is False
    assert admin_api.patch(url, {"is_active": True}, content_type="application/json").json()["is_active"] is True


def test_patch_refuses_self_deactivation_and_last_admin_demotion(site_a, admin_a, admin_api):
    url = f"/api/v1/users/{admin_a.profile.public_id}"
    response = admin_api.patch(url, {"is_active": False}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["errors"]["is_active"] == ["You cannot deactivate your own account."]
    response = admin_api.patch(url, {"role": "learner"}, content_type="application/json")
    assert response.status_code == 400
    assert "at least one active administrator" in response.json()["errors"]["role"][0]
    with site_a:
        admin = User.objects.get(pk=admin_a.pk)
        assert role_of(admin) == Role.TENANT_ADMIN and admin.is_active


def test_patch_is_all_or_nothing(site_a, admin_a, admin_api):
    """A role change that comes with a refused deactivation is not applied either."""
    site_a.make_user(Role.TENANT_ADMIN)
    url = f"/api/v1/users/{admin_a.profile.public_id}"
    response = admin_api.patch(url, {"role": "instructor", "is_active": False}, content_type="application/json")
    assert response.status_code == 400
    with site_a:
        assert role_of(User.objects.get(pk=admin_a.pk)) == Role.TENANT_ADMIN


def test_patch_rejects_unknown_role(admin_api, roster):
    response = admin_api.patch(f"/api/v1/users/{roster.zed.profile.public_id}", {"role": "owner"}, content_type="application/json")
    assert response.status_code == 400 and "role" in response.json()["errors"]


def test_reset_password_sends_an_email(admin_api, roster, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/api/v1/users/{roster.zed.profile.public_id}/reset-password")
    assert response.status_code == 202
    assert [m.to for m in mailoutbox] == [["zed@zebra.org"]]
    assert "http://acme.localhost/accounts/reset/" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post(f"/api/v1/users/{roster.ina.profile.public_id}/reset-password")
    assert response.status_code == 400 and len(mailoutbox) == 1


# --- invitations ---------------------------------------------------------------------------


def test_invite_list_and_revoke(site_a, admin_api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/invitations", {"email": "New@Example.org", "role": "instructor"},
                                  content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["email"] == "new@example.org" and created["role"] == "instructor" and created["status"] == "pending"
    assert created["invited_by"] == "admin@acme.test"
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    listed = admin_api.get("/api/v1/invitations").json()
    assert [i["id"] for i in listed["results"]] == [created["id"]]

    with site_a:
        Invitation.objects.filter(public_id=created["id"]).update(expires_at=timezone.now() - timedelta(hours=1))
    assert admin_api.get("/api/v1/invitations").json()["results"][0]["status"] == "expired"

    assert admin_api.delete(f"/api/v1/invitations/{created['id']}").status_code == 204
    with site_a:
        assert Invitation.objects.get(public_id=created["id"]).revoked_at is not None
    assert admin_api.get("/api/v1/invitations").json()["count"] == 0
    assert admin_api.delete(f"/api/v1/invitations/{created['id']}").status_code == 404


def test_revoked_invitation_link_stops_working(site_a, admin_api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = admin_api.post("/api/v1/invitations", {"email": "x@example.org"}, content_type="application/json").json()
    link = next(word for word in mailoutbox[0].body.split() if "/accounts/invitation/" in word)
    path = link.split("acme.localhost", 1)[1]
    assert site_a.client().get(path).status_code == 200
    admin_api.delete(f"/api/v1/invitations/{created['id']}")
    assert site_a.client().get(path).status_code == 404


def test_reinviting_with_another_role_needs_confirmation(site_a, admin_api, mailoutbox, django_capture_on_commit_callbacks):
    url = "/api/v1/invitations"
    with django_capture_on_commit_callbacks(execute=True):
        first = admin_api.post(url, {"email": "twice@example.org", "role": "instructor"}, content_type="application/json")
        assert first.status_code == 201
        refused = admin_api.post(url, {"email": "twice@example.org", "role": "learner"}, content_type="application/json")
        assert refused.status_code == 409
        body = refused.json()
        assert body["code"] == "role_change_unconfirmed" and "Instructor" in body["message"] and "Learner" in body["message"]
        with site_a:
            assert Invitation.objects.get(public_id=first.json()["id"]).revoked_at is None
        confirmed = admin_api.post(url, {"email": "twice@example.org", "role": "learner", "confirm_role_change": True},
                                   content_type="application/json")
        assert confirmed.status_code == 201 and confirmed.json()["role"] == "learner"
    with site_a:
        assert Invitation.objects.get(public_id=first.json()["id"]).revoked_at is not None
    assert len(mailoutbox) == 2


def test_invite_errors(admin_api, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_api.post("/api/v1/invitations", {"email": "admin@acme.test"}, content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"]["email"] == ["This person is already a member."]
        response = admin_api.post("/api/v1/invitations", {"email": "nope"}, content_type="application/json")
        assert response.status_code == 400 and "email" in response.json()["errors"]
    assert mailoutbox == []


# --- settings ------------------------------------------------------------------------------


def test_settings_get_and_patch(site_a, admin_api, django_capture_on_commit_callbacks):
    body = admin_api.get("/api/v1/settings").json()
    assert body == {"display_name": "Acme Academy", "primary_color": "#2563eb", "allow_self_registration": False, "logo_url": None, "time_zone": "UTC",
                    "messaging_learner_to_learner": False}
    with site_a, django_capture_on_commit_callbacks(execute=True):
        response = admin_api.patch("/api/v1/settings", {"primary_color": "#AA3300", "allow_self_registration": True},
                                   content_type="application/json")
    assert response.status_code == 200
    assert response.json()["primary_color"] == "#aa3300" and response.json()["display_name"] == "Acme Academy"
    assert admin_api.get("/api/v1/settings").json()["allow_self_registration"] is True
    assert "--brand: #aa3300" in site_a.client().get("/").content.decode()


def test_settings_patch_validates(site_a, admin_api):
    response = admin_api.patch("/api/v1/settings", {"primary_color": "red", "display_name": ""}, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["primary_color"] == ["Use a hex colour such as #2563eb."] and "display_name" in errors
    with site_a:
        assert SiteSettings.objects.get(pk=1).primary_color == "#2563eb"


# --- schema --------------------------------------------------------------------------------


def test_schema_is_served_and_documents_the_admin_endpoints(site_a):
    response = site_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/users", "/api/v1/users/{id}", "/api/v1/users/{id}/reset-password", "/api/v1/invitations",
                 "/api/v1/invitations/{id}", "/api/v1/users/imports", "/api/v1/users/imports/{id}", "/api/v1/settings"):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/users/imports"]["post"]["requestBody"]["content"]


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning or error into a failure; --validate checks it against OpenAPI 3.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
