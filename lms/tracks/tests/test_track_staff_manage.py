"""Managing a track's staff, in the studio and through the API."""
import json

import pytest

from lms.tracks import permissions
from lms.tracks.tests.test_tracks import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def _audit_actions(site):
    from tenant_apps.audit.models import AuditEntry as TenantAuditEntry

    with site:
        return list(TenantAuditEntry.objects.filter(action="track.staff_change").values_list("after", flat=True))


def test_instructor_adds_a_ta_who_can_then_review(site_a, world):  # noqa: F811
    ta = site_a.make_user(role="teaching_assistant")
    client = site_a.client(world["instructor"])
    slug = world["track"].slug
    page = client.get(f"/studio/tracks/{slug}/staff/")
    assert page.status_code == 200 and world["instructor"].email.encode() in page.content
    assert b"Track staff" in client.get(f"/studio/tracks/{slug}/").content
    response = client.post(f"/studio/tracks/{slug}/staff/", {"email": ta.email.upper(), "track_role": "teaching_assistant"})
    assert response.status_code == 302
    with site_a:
        ta = type(ta).objects.get(pk=ta.pk)
        assert permissions.has(ta, permissions.REVIEW, world["track"])
        assert not permissions.has(ta, permissions.EDIT, world["track"])
    assert site_a.client(ta).get("/studio/tracks/review/").status_code == 200
    assert any(a and a.get("track_role") == "teaching_assistant" for a in _audit_actions(site_a))


def test_the_last_instructor_cannot_be_removed_and_ta_cannot_be_instructor(site_a, world):  # noqa: F811
    client = site_a.client(world["instructor"])
    slug = world["track"].slug
    me = world["instructor"].profile.public_id
    response = client.post(f"/studio/tracks/{slug}/staff/{me}/remove", follow=True)
    assert "only instructor" in response.content.decode()
    with site_a:
        assert permissions.has(world["instructor"], permissions.EDIT, world["track"])
    ta = site_a.make_user(role="teaching_assistant")
    response = client.post(f"/studio/tracks/{slug}/staff/", {"email": ta.email, "track_role": "instructor"})
    assert response.status_code == 400 and "can only be a teaching assistant" in response.content.decode()
    response = client.post(f"/studio/tracks/{slug}/staff/", {"email": "nobody@acme.test", "track_role": "instructor"})
    assert response.status_code == 400 and "No active member" in response.content.decode()


def test_outsiders_tas_and_learners_cannot_manage(site_a, world):  # noqa: F811
    slug = world["track"].slug
    ta = site_a.make_user(role="teaching_assistant")
    with site_a:
        permissions.track_role_assign(track=world["track"], user=ta, track_role="teaching_assistant")
    other = site_a.make_user(role="instructor")
    for user, expected in ((other, 404), (ta, 404), (world["learner"], 403)):
        client = site_a.client(user)
        assert client.get(f"/studio/tracks/{slug}/staff/").status_code == expected
        assert client.post(f"/studio/tracks/{slug}/staff/", {"email": other.email, "track_role": "instructor"}).status_code == expected
    with site_a:
        assert not permissions.has(type(other).objects.get(pk=other.pk), permissions.EDIT, world["track"])


def test_api_add_change_remove(site_a, world):  # noqa: F811
    second = site_a.make_user(role="instructor")
    client = site_a.client(world["instructor"])
    base = f"/api/v1/studio/tracks/{world['track'].slug}/staff"
    listed = client.get(base)
    assert listed.status_code == 200 and [r["track_role"] for r in listed.json()] == ["instructor"]
    added = client.post(base, json.dumps({"email": second.email, "track_role": "teaching_assistant"}),
                        content_type="application/json")
    assert added.status_code == 201 and {r["email"] for r in added.json()} == {world["instructor"].email, second.email}
    member = f"{base}/{second.profile.public_id}"
    changed = client.patch(member, json.dumps({"track_role": "instructor"}), content_type="application/json")
    assert changed.status_code == 200
    assert sorted(r["track_role"] for r in changed.json()) == ["instructor", "instructor"]
    bad = client.patch(member, json.dumps({"track_role": "owner"}), content_type="application/json")
    assert bad.status_code == 400 and "track_role" in bad.json()["errors"]
    assert client.delete(member).status_code == 204
    last = client.delete(f"{base}/{world['instructor'].profile.public_id}")
    assert last.status_code == 400 and "only instructor" in json.dumps(last.json())
    assert site_a.client(second).get(base).status_code == 404
