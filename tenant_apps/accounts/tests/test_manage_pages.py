"""Tenant-admin pages under /manage/: who may use them, members, roles, access, invitations,
and isolation between institutions."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tenant_apps.accounts import services
from tenant_apps.accounts.models import Invitation, SiteSettings, UserImport
from tenant_apps.accounts.roles import Role, role_of

from .manage_helpers import client_as, csv_file, text, media_in_tmp  # noqa: F401 - media_in_tmp is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

LINK_RE = re.compile(r"https?://\S+")


def _link_path(message, fragment: str) -> str:
    links = [link for link in LINK_RE.findall(message.body) if fragment in link]
    assert links, message.body
    return urlsplit(links[0]).path


def _objects(site, admin, key: str) -> SimpleNamespace:
    member = site.make_user("learner", first_name="Mia", last_name=f"Member-{key}")
    with site:
        invitation = services.invitation_create(
            email=f"invitee-{key}@example.org", role=Role.INSTRUCTOR, invited_by=admin, base_url="http://unused/",
        )
        user_import = UserImport.objects.create(
            created_by=admin, original_name="list.csv", source="imports/none.csv", status=UserImport.Status.DONE,
            total_rows=1, processed_rows=1, rejected_rows=[{"row": 2, "email": "bad", "reason": "Invalid email address."}],
        )
    return SimpleNamespace(
        site=site, admin=admin, member=member, member_id=member.profile.public_id, invitation=invitation,
        invitation_id=invitation.public_id, import_id=user_import.public_id,
    )


@pytest.fixture
def world(site_a, site_b, admin_a, admin_b):
    """Comparable objects in both institutions."""
    return SimpleNamespace(a=_objects(site_a, admin_a, "a"), b=_objects(site_b, admin_b, "b"))


def _get_urls(o) -> list[str]:
    return [
        "/manage/users/",
        f"/manage/users/{o.member_id}/",
        "/manage/invitations/",
        "/manage/users/import/",
        f"/manage/users/import/{o.import_id}/",
        f"/manage/users/import/{o.import_id}/progress",
        f"/manage/users/import/{o.import_id}/rejected.csv",
        "/manage/settings/",
    ]


def _post_requests(o) -> list[tuple[str, dict]]:
    """Every change a page can make, with valid data."""
    return [
        (f"/manage/users/{o.member_id}/role", {"role": Role.TENANT_ADMIN}),
        (f"/manage/users/{o.member_id}/active", {"active": "0"}),
        (f"/manage/users/{o.member_id}/password-reset", {}),
        ("/manage/invitations/", {"email": "someone-new@example.org", "role": Role.LEARNER}),
        (f"/manage/invitations/{o.invitation_id}/revoke", {}),
        ("/manage/users/import/", {"file": csv_file("email,first_name,last_name,role\nnew@example.org,N,M,learner\n")}),
        ("/manage/settings/", {"display_name": "Hijacked", "primary_color": "#000000", "allow_self_registration": "on"}),
    ]


def _state(o) -> dict:
    """What the POSTs above would change, read in the object's own institution."""
    with o.site:
        member = User.objects.get(pk=o.member.pk)
        site = SiteSettings.objects.get(pk=1)
        return {
            "member": (role_of(member), member.is_active),
            "invitations": sorted(Invitation.objects.values_list("email", "revoked_at")),
            "imports": UserImport.objects.count(),
            "users": User.objects.count(),
            "settings": (site.display_name, site.primary_color, site.allow_self_registration),
        }


def _assert_login_redirect(response, path: str) -> None:
    assert response.status_code == 302, (path, response.status_code)
    assert response["Location"].startswith("/accounts/login/?next="), (path, response["Location"])


# --- who may use the pages -----------------------------------------------------------------


def test_admin_can_open_every_page(world):
    client = client_as(world.a.site, world.a.admin)
    for url in _get_urls(world.a):
        response = client.get(url)
        assert response.status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    client = world.a.site.client()
    before = _state(world.a)
    for url in _get_urls(world.a):
        _assert_login_redirect(client.get(url), url)
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in _post_requests(world.a):
            _assert_login_redirect(client.post(url, data), url)
    assert _state(world.a) == before
    assert mailoutbox == []


def test_learners_are_refused_and_change_nothing(world, mailoutbox, django_capture_on_commit_callbacks):
    learner = world.a.site.make_user("learner")
    client = client_as(world.a.site, learner)
    before = _state(world.a)
    for url in _get_urls(world.a):
        assert client.get(url).status_code == 403, url
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in _post_requests(world.a):
            assert client.post(url, data).status_code == 403, url
    assert _state(world.a) == before
    assert mailoutbox == []


def test_instructors_are_refused(world):
    client = client_as(world.a.site, world.a.site.make_user(Role.INSTRUCTOR))
    assert client.get("/manage/users/").status_code == 403


def test_deactivated_admin_is_refused(world):
    other_admin = world.a.site.make_user(Role.TENANT_ADMIN)
    client = client_as(world.a.site, other_admin)
    assert client.get("/manage/users/").status_code == 200
    with world.a.site:
        User.objects.filter(pk=other_admin.pk).update(is_active=False)
    assert client.get("/manage/users/").status_code == 302  # signed out: inactive accounts cannot authenticate


def test_changes_require_post(world):
    client = client_as(world.a.site, world.a.admin)
    for url, _ in _post_requests(world.a):
        if url in ("/manage/invitations/", "/manage/users/import/", "/manage/settings/"):
            continue  # these are also the forms' pages
        assert client.get(url).status_code == 405, url


# --- isolation between institutions --------------------------------------------------------


def test_other_institutions_admin_session_is_not_valid_here(world, mailoutbox, django_capture_on_commit_callbacks):
    """Globex's admin, with Globex's ids, against Acme's host: not signed in there, nothing changes."""
    client_b = client_as(world.b.site, world.b.admin)
    assert client_b.get("/manage/users/").status_code == 200  # the session works on its own site
    before_a, before_b = _state(world.a), _state(world.b)
    for url in _get_urls(world.b) + _get_urls(world.a):
        _assert_login_redirect(client_b.get(url, HTTP_HOST=world.a.site.host), url)
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in _post_requests(world.b) + _post_requests(world.a):
            _assert_login_redirect(client_b.post(url, data, HTTP_HOST=world.a.site.host), url)
    assert _state(world.a) == before_a
    assert _state(world.b) == before_b
    assert mailoutbox == []


def test_admin_cannot_reach_another_institutions_objects(world, mailoutbox, django_capture_on_commit_callbacks):
    """Acme's admin on Acme's host, asking for Globex's member, invitation and import: 404."""
    client = client_as(world.a.site, world.a.admin)
    before_b = _state(world.b)
    foreign = [u for u in _get_urls(world.b) if str(world.b.member_id) in u or str(world.b.import_id) in u]
    assert len(foreign) == 4
    for url in foreign:
        assert client.get(url).status_code == 404, url
    with django_capture_on_commit_callbacks(execute=True):
        for url, data in _post_requests(world.b):
            if str(world.b.member_id) in url or str(world.b.invitation_id) in url:
                assert client.post(url, data).status_code == 404, url
    assert _state(world.b) == before_b
    assert mailoutbox == []


def test_unknown_member_id_is_404(world):
    client = client_as(world.a.site, world.a.admin)
    assert client.get(f"/manage/users/{uuid.uuid4()}/").status_code == 404
    assert client.get("/manage/users/12/").status_code == 404  # never addressed by primary key


# --- the members list ----------------------------------------------------------------------


@pytest.fixture
def roster(site_a):
    with site_a:
        zed = services.user_create(email="zed@zebra.org", first_name="Zed", last_name="Zebra", role=Role.LEARNER)
        ina = services.user_create(email="ina@example.org", first_name="Ina", last_name="Quiet", role=Role.INSTRUCTOR)
        services.user_set_active(user=ina, active=False)
        tim = services.user_create(email="tim@example.org", first_name="Tim", last_name="Tutor", role=Role.TEACHING_ASSISTANT)
    return SimpleNamespace(zed=zed, ina=ina, tim=tim)


def test_list_shows_the_columns(site_a, admin_a, roster):
    page = text(client_as(site_a, admin_a).get("/manage/users/"))
    for heading in ("Name", "Email", "Role", "Status", "Email verified", "Joined"):
        assert f">{heading}</th>" in page
    assert "Zed Zebra" in page and "zed@zebra.org" in page and "Teaching assistant" in page
    assert f"/manage/users/{roster.zed.profile.public_id}/" in page
    assert "4 members" in page  # the admin and three more


def test_search_by_name_or_email(site_a, admin_a, roster):
    client = client_as(site_a, admin_a)
    page = text(client.get("/manage/users/", {"q": "zebra"}))
    assert "zed@zebra.org" in page and "tim@example.org" not in page
    page = text(client.get("/manage/users/", {"q": "Tutor"}))
    assert "tim@example.org" in page and "zed@zebra.org" not in page
    page = text(client.get("/manage/users/", {"q": "nobody-like-this"}))
    assert "0 members match" in page


def test_filter_by_role_and_status(site_a, admin_a, roster):
    client = client_as(site_a, admin_a)
    page = text(client.get("/manage/users/", {"role": Role.INSTRUCTOR}))
    assert "ina@example.org" in page and "zed@zebra.org" not in page and "admin@acme.test" not in page
    page = text(client.get("/manage/users/", {"status": "inactive"}))
    assert "ina@example.org" in page and "tim@example.org" not in page
    page = text(client.get("/manage/users/", {"status": "active", "role": Role.TENANT_ADMIN}))
    assert "admin@acme.test" in page and "ina@example.org" not in page and "zed@zebra.org" not in page


def test_list_is_paginated_by_25_and_keeps_filters(site_a, admin_a):
    with site_a:
        for i in range(30):
            services.user_create(email=f"bulk{i:02d}@many.org", first_name="Bulk", last_name=f"{i:02d}")
    client = client_as(site_a, admin_a)
    first = text(client.get("/manage/users/", {"q": "many.org"}))
    assert first.count("@many.org</td>") == 25
    assert "Page 1 of 2" in first
    assert "?q=many.org&page=2" in first
    second = text(client.get("/manage/users/", {"q": "many.org", "page": 2}))
    assert second.count("@many.org</td>") == 5


def test_htmx_filter_returns_only_the_results(site_a, admin_a, roster):
    client = client_as(site_a, admin_a)
    response = client.get("/manage/users/", {"q": "zebra"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="user-results")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="user-results">') and "<html" not in body
    assert "zed@zebra.org" in body
    assert "<html" in text(client.get("/manage/users/", {"q": "zebra"}))


# --- one member: role, access, password ----------------------------------------------------


def test_detail_page_shows_the_member(site_a, admin_a, roster):
    page = text(client_as(site_a, admin_a).get(f"/manage/users/{roster.tim.profile.public_id}/"))
    assert "tim@example.org" in page and "Teaching assistant" in page and "Send password reset email" in page


def test_admin_changes_a_members_role(site_a, admin_a, roster):
    client = client_as(site_a, admin_a)
    url = f"/manage/users/{roster.zed.profile.public_id}/"
    response = client.post(url + "role", {"role": Role.INSTRUCTOR})
    assert response.status_code == 302 and response["Location"] == url
    with site_a:
        assert role_of(User.objects.get(pk=roster.zed.pk)) == Role.INSTRUCTOR
    assert "zed@zebra.org is now instructor" in text(client.get(url))


def test_unknown_role_is_a_400_with_the_error(site_a, admin_a, roster):
    response = client_as(site_a, admin_a).post(f"/manage/users/{roster.zed.profile.public_id}/role", {"role": "superuser"})
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    with site_a:
        assert role_of(User.objects.get(pk=roster.zed.pk)) == Role.LEARNER


def test_last_admin_cannot_be_demoted(site_a, admin_a):
    response = client_as(site_a, admin_a).post(f"/manage/users/{admin_a.profile.public_id}/role", {"role": Role.LEARNER})
    assert response.status_code == 400
    assert "at least one active administrator" in text(response)
    with site_a:
        assert role_of(User.objects.get(pk=admin_a.pk)) == Role.TENANT_ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(site_a, admin_a):
    site_a.make_user(Role.TENANT_ADMIN)
    client = client_as(site_a, admin_a)
    response = client.post(f"/manage/users/{admin_a.profile.public_id}/role", {"role": Role.INSTRUCTOR})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/manage/users/").status_code == 403


def test_deactivate_and_reactivate_a_member(site_a, admin_a, roster):
    client = client_as(site_a, admin_a)
    url = f"/manage/users/{roster.zed.profile.public_id}/"
    assert client.post(url + "active", {"active": "0"}).status_code == 302
    with site_a:
        assert User.objects.get(pk=roster.zed.pk).is_active is False
    assert "zed@zebra.org was deactivated" in text(client.get(url))
    assert client.post(url + "active", {"active": "1"}).status_code == 302
    with site_a:
        assert User.objects.get(pk=roster.zed.pk).is_active is True


def test_deactivated_member_is_signed_out_of_the_site(site_a, admin_a, roster):
    member_client = client_as(site_a, roster.zed)
    assert member_client.get("/accounts/profile/").status_code == 200
    client_as(site_a, admin_a).post(f"/manage/users/{roster.zed.profile.public_id}/active", {"active": "0"})
    assert member_client.get("/accounts/profile/").status_code == 302


def test_admin_cannot_deactivate_themselves(site_a, admin_a):
    site_a.make_user(Role.TENANT_ADMIN)  # not the last admin: the self rule alone refuses
    client = client_as(site_a, admin_a)
    detail = text(client.get(f"/manage/users/{admin_a.profile.public_id}/"))
    assert "you cannot deactivate it" in detail
    response = client.post(f"/manage/users/{admin_a.profile.public_id}/active", {"active": "0"})
    assert response.status_code == 400
    assert "You cannot deactivate your own account." in text(response)
    with site_a:
        assert User.objects.get(pk=admin_a.pk).is_active is True


def test_invalid_active_value_is_a_400(site_a, admin_a, roster):
    response = client_as(site_a, admin_a).post(f"/manage/users/{roster.zed.profile.public_id}/active", {"active": "maybe"})
    assert response.status_code == 400
    with site_a:
        assert User.objects.get(pk=roster.zed.pk).is_active is True


def test_password_reset_email_is_sent(site_a, admin_a, roster, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    url = f"/manage/users/{roster.zed.profile.public_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "password-reset")
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["zed@zebra.org"]
    assert "http://acme.localhost/accounts/reset/" in mailoutbox[0].body
    assert "A link to choose a new password was sent to zed@zebra.org" in text(client.get(url))
    # The link works on this site.
    assert client.get(_link_path(mailoutbox[0], "/accounts/reset/"), follow=True).status_code == 200


def test_no_password_email_for_a_deactivated_member(site_a, admin_a, roster, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(site_a, admin_a).post(f"/manage/users/{roster.ina.profile.public_id}/password-reset")
    assert response.status_code == 400
    assert "deactivated" in text(response)
    assert mailoutbox == []


# --- invitations ---------------------------------------------------------------------------


def _invite(client, capture, email="new.person@example.org", role=Role.INSTRUCTOR):
    with capture(execute=True):
        return client.post("/manage/invitations/", {"email": email, "role": role})


def test_invite_someone_and_the_link_works(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    response = _invite(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/manage/invitations/"
    with site_a:
        invitation = Invitation.objects.get(email="new.person@example.org")
    assert invitation.role == Role.INSTRUCTOR and invitation.invited_by_id == admin_a.pk
    assert abs(invitation.expires_at - timezone.now() - timedelta(days=7)) < timedelta(minutes=1)
    page = text(client.get("/manage/invitations/"))
    assert "Invitation sent to new.person@example.org" in page and "new.person@example.org</td>" in page
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["new.person@example.org"]
    link = _link_path(mailoutbox[0], "/accounts/invitation/")
    accept = site_a.client().get(link)
    assert accept.status_code == 200 and "new.person@example.org" in text(accept)


def test_reinviting_with_another_role_asks_first(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    _invite(client, django_capture_on_commit_callbacks, role=Role.INSTRUCTOR)
    asked = _invite(client, django_capture_on_commit_callbacks, role=Role.LEARNER)
    assert asked.status_code == 409
    page = text(asked)
    assert "already has a pending invitation" in page and "Instructor</strong> → <strong>Learner" in page
    assert 'name="confirm_role_change" value="yes"' in page
    with site_a:
        pending = Invitation.objects.filter(email="new.person@example.org", revoked_at__isnull=True)
        assert [i.role for i in pending] == [Role.INSTRUCTOR]  # nothing changed yet
    assert len(mailoutbox) == 1
    # The same role again is a plain resend, no question.
    assert _invite(client, django_capture_on_commit_callbacks, role=Role.INSTRUCTOR).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post("/manage/invitations/", {"email": "new.person@example.org", "role": Role.LEARNER,
                                                          "confirm_role_change": "yes"})
    assert confirmed.status_code == 302
    with site_a:
        pending = Invitation.objects.filter(email="new.person@example.org", revoked_at__isnull=True)
        assert [i.role for i in pending] == [Role.LEARNER]
    assert len(mailoutbox) == 3


def test_expired_invitation_link_is_rejected(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    _invite(client, django_capture_on_commit_callbacks)
    with site_a:
        Invitation.objects.filter(email="new.person@example.org").update(expires_at=timezone.now() - timedelta(minutes=1))
    response = site_a.client().get(_link_path(mailoutbox[0], "/accounts/invitation/"))
    assert response.status_code == 404 and "expired" in text(response)
    assert "Expired</span>" in text(client.get("/manage/invitations/"))


def test_revoked_invitation_link_is_rejected(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    _invite(client, django_capture_on_commit_callbacks)
    with site_a:
        invitation = Invitation.objects.get(email="new.person@example.org")
    response = client.post(f"/manage/invitations/{invitation.public_id}/revoke")
    assert response.status_code == 302
    with site_a:
        assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    page = text(client.get("/manage/invitations/"))
    assert "was revoked" in page and "new.person@example.org</td>" not in page
    assert site_a.client().get(_link_path(mailoutbox[0], "/accounts/invitation/")).status_code == 404
    # Revoking twice: it is no longer pending.
    assert client.post(f"/manage/invitations/{invitation.public_id}/revoke").status_code == 404


def test_inviting_a_member_or_a_bad_address_is_a_400(site_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    client = client_as(site_a, admin_a)
    response = _invite(client, django_capture_on_commit_callbacks, email="admin@acme.test")
    assert response.status_code == 400 and "already a member" in text(response)
    response = _invite(client, django_capture_on_commit_callbacks, email="not-an-address")
    assert response.status_code == 400 and "Enter a valid email address" in text(response)
    response = _invite(client, django_capture_on_commit_callbacks, role="owner")
    assert response.status_code == 400
    with site_a:
        assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_an_invalid_filter_value_is_ignored_not_fatal(site_a, admin_a, roster):
    response = client_as(site_a, admin_a).get("/manage/users/", {"q": "zebra", "role": "owner"})
    assert response.status_code == 200
    page = text(response)
    assert "zed@zebra.org" in page and "tim@example.org" not in page
