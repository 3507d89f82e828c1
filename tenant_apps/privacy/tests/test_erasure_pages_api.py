"""Erasure through the API and the administrators' pages: self request with password, cancel by
token without login, staff list/create/retry, the cool-off setting's bounds, legal holds for
administrators only."""
from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _jwt(site, user) -> Client:
    tokens = Client(HTTP_HOST=site.host).post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD},
                                               content_type="application/json").json()
    return Client(HTTP_HOST=site.host, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")


def test_api_self_request_needs_the_password_and_the_token_cancels_without_login(site_a, django_capture_on_commit_callbacks):
    from django.core import mail

    learner = site_a.make_user("learner")
    api = _jwt(site_a, learner)
    wrong = api.post("/api/v1/privacy/erasure", {"password": "not-mine"}, content_type="application/json")
    assert wrong.status_code == 400 and "password" in wrong.json()["errors"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/privacy/erasure", {"password": PASSWORD}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "cooling_off"
    assert api.get("/api/v1/me").status_code == 401  # the token died with the request
    token = mail.outbox[0].body.split("/privacy/erasure/cancel/", 1)[1].split("/", 1)[0]
    anonymous = Client(HTTP_HOST=site_a.host)
    bad = anonymous.post("/api/v1/privacy/erasure/cancel", {"token": "x" * 40}, content_type="application/json")
    assert bad.status_code == 404
    ok = anonymous.post("/api/v1/privacy/erasure/cancel", {"token": token}, content_type="application/json")
    assert ok.status_code == 200 and ok.json() == {"status": "cancelled"}
    again = anonymous.post("/api/v1/privacy/erasure/cancel", {"token": token}, content_type="application/json")
    assert again.status_code == 409
    assert _jwt(site_a, learner).get("/api/v1/me").status_code == 200  # signs in again


def test_staff_api_lists_creates_and_retries(site_a, admin_a):
    from tenant_apps.privacy.models import ErasureRequest

    learner = site_a.make_user("learner")
    staff, other = _jwt(site_a, admin_a), _jwt(site_a, site_a.make_user("learner"))
    with site_a:
        member_id = str(learner.profile.public_id)
    assert other.get("/api/v1/manage/privacy/erasures").status_code == 403
    created = staff.post("/api/v1/manage/privacy/erasures", {"user": member_id}, content_type="application/json")
    assert created.status_code == 201 and created.json()["by_self"] is False
    twice = staff.post("/api/v1/manage/privacy/erasures", {"user": member_id}, content_type="application/json")
    assert twice.status_code == 409
    listed = staff.get("/api/v1/manage/privacy/erasures").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [created.json()["id"]]
    retry = f"/api/v1/manage/privacy/erasures/{created.json()['id']}/retry"
    assert staff.post(retry).status_code == 409  # only a failed one
    with site_a:
        ErasureRequest.objects.filter(public_id=created.json()["id"]).update(status="failed")
    assert staff.post(retry).json()["status"] == "running"
    assert staff.post("/api/v1/manage/privacy/erasures/not-a-uuid/retry").status_code == 404


def test_admin_pages_status_settings_and_legal_holds(site_a, admin_a):
    from tenant_apps.privacy.models import ErasureRequest

    learner = site_a.make_user("learner")
    admin, member = site_a.client(admin_a), site_a.client(site_a.make_user("learner"))
    for path in ("/manage/privacy/erasures", "/manage/privacy/legal-holds", "/manage/privacy/settings"):
        assert member.get(path).status_code == 403
        assert admin.get(path).status_code == 200
    assert admin.post("/manage/privacy/erasures", {"email": "nobody@acme.test"}).status_code == 400
    assert admin.post("/manage/privacy/erasures", {"email": learner.email}).status_code == 302
    page = admin.get("/manage/privacy/erasures").content.decode()
    assert "Cooling off until" in page and learner.email not in page
    with site_a:
        request = ErasureRequest.objects.get(user=learner)
        ErasureRequest.objects.filter(pk=request.pk).update(status="failed", step=3, steps_total=15, error="boom")
    page = admin.get("/manage/privacy/erasures").content.decode()
    assert "step 4 of 15" in page and "Retry" in page
    assert admin.post(f"/manage/privacy/erasures/{request.public_id}/retry").status_code == 302
    with site_a:
        assert ErasureRequest.objects.get(pk=request.pk).status == "running"
    assert admin.post("/manage/privacy/settings", {"erasure_cool_off_days": "61"}).status_code == 400
    assert admin.post("/manage/privacy/settings", {"erasure_cool_off_days": "0"}).status_code == 302
    with site_a:
        from tenant_apps.privacy.erasure import privacy_settings_get

        assert privacy_settings_get().erasure_cool_off_days == 0
