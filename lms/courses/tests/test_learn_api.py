"""Learner API (/api/v1/courses..., /api/v1/me/enrollments...) and the course staff's enrollment API:
who may call what, published outlines only (never drafts, never quiz payloads), enrollment rules,
progress, versions, and isolation between institutions."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.courses import permissions, selectors, services
from lms.courses.models import Course, Enrollment, ItemProgress
from lms.courses.tests.factories import build_course, build_published_course
from lms.courses.tests.test_learn_pages import SECRET, build_rich_course, items_by_title
from tenant_apps.accounts.tests.manage_helpers import api_client, jwt_for, media_in_tmp  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


@pytest.fixture
def w(site_a):
    from types import SimpleNamespace

    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course = build_rich_course(author=instructor)
        items = items_by_title(course)
    return SimpleNamespace(
        site=site_a, instructor=instructor, learner=learner, course=course, slug=course.slug, items=items,
        api=api_client(site_a, jwt_for(site_a, learner.email)),
    )


def _post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def _error(response) -> dict:
    body = response.json()
    assert {"message", "code"} <= set(body), body
    return body


def _walk_keys(obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _walk_keys(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _walk_keys(v)


# --- catalog and course outline ---------------------------------------------------------------


def test_catalog_lists_published_listed_courses_with_filters(site_a, w, payouts_ready):
    with site_a:
        build_published_course(author=w.instructor, title="Hidden", visibility="unlisted")
        build_course(author=w.instructor, title="Draft")
        build_published_course(author=w.instructor, title="Advanced Kilns", level="advanced", tags=["fire"], price_amount=500)
    anonymous = api_client(site_a).get("/api/v1/courses")
    assert anonymous.status_code == 200
    body = anonymous.json()
    assert body["count"] == 2 and [c["title"] for c in body["results"]] == ["Advanced Kilns", "Pottery Basics"]
    pottery = body["results"][1]
    assert pottery == {
        "slug": "pottery-basics", "title": "Pottery Basics", "summary": "Clay, wheels and kilns", "level": "beginner",
        "estimated_minutes": 90, "tags": ["craft", "art"], "price_amount": 0, "price_currency": "USD", "is_free": True,
        "is_enrolled": False,
    }
    assert [c["title"] for c in w.api.get("/api/v1/courses", {"level": "advanced"}).json()["results"]] == ["Advanced Kilns"]
    assert [c["title"] for c in w.api.get("/api/v1/courses", {"tag": "craft"}).json()["results"]] == ["Pottery Basics"]
    assert [c["title"] for c in w.api.get("/api/v1/courses", {"search": "KILNS"}).json()["results"]] == [
        "Advanced Kilns", "Pottery Basics"]  # title of one, summary of the other
    bad = w.api.get("/api/v1/courses", {"level": "wizard"})
    assert bad.status_code == 400 and "level" in _error(bad)["errors"]
    with site_a:
        services.enrollment_create(course=w.course, learner=w.learner)
    mine = {c["slug"]: c["is_enrolled"] for c in w.api.get("/api/v1/courses").json()["results"]}
    assert mine["pottery-basics"] is True and mine["advanced-kilns"] is False


def test_course_outline_is_the_published_version_without_item_payloads(site_a, w):
    response = api_client(site_a).get(f"/api/v1/courses/{w.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Pottery Basics" and body["version"] == 1 and body["enrollment"] is None
    assert "<h1>Welcome</h1>" in body["description_html"] and "<script>" not in body["description_html"]
    assert [m["title"] for m in body["modules"]] == ["Getting started", "Firing"]
    item_keys = {k for m in body["modules"] for lesson in m["lessons"] for i in lesson["items"] for k in i}
    assert item_keys == {"uuid", "kind", "title"}
    assert SECRET not in response.content.decode() and "data" not in set(_walk_keys(body))
    assert api_client(site_a).get("/api/v1/courses/no-such-course").status_code == 404
    with site_a:
        draft = build_course(author=w.instructor, title="Draft")
        unlisted = build_published_course(author=w.instructor, title="Unlisted", visibility="unlisted")
    missing = w.api.get(f"/api/v1/courses/{draft.slug}")
    assert missing.status_code == 404 and _error(missing)["code"] == "not_found"
    assert w.api.get(f"/api/v1/courses/{unlisted.slug}").status_code == 200


# --- enroll and drop ---------------------------------------------------------------------------


def test_enroll_then_409_when_already_enrolled_and_drop_keeps_progress(site_a, w):
    response = _post(w.api, f"/api/v1/courses/{w.slug}/enroll")
    assert response.status_code == 201, response.content
    body = response.json()
    first = w.items["Read me"]["uuid"]
    assert body["course"] == w.slug and body["status"] == "active" and body["version"] == 1
    assert body["next_item"] == first and body["progress_percent"] == 0 and body["upgrade_available"] is False
    again = _post(w.api, f"/api/v1/courses/{w.slug}/enroll")
    assert again.status_code == 409 and _error(again)["code"] == "already_enrolled"
    assert _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{first}/complete").status_code == 200
    dropped = _post(w.api, f"/api/v1/courses/{w.slug}/drop")
    assert dropped.status_code == 200 and dropped.json()["status"] == "dropped"
    assert w.api.get(f"/api/v1/me/enrollments/{w.slug}").status_code == 404
    assert w.api.get("/api/v1/me/enrollments").json()["count"] == 0
    assert _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{first}/complete").status_code == 404
    not_enrolled = _post(w.api, f"/api/v1/courses/{w.slug}/drop")
    assert not_enrolled.status_code == 409 and _error(not_enrolled)["code"] == "not_enrolled"
    back = _post(w.api, f"/api/v1/courses/{w.slug}/enroll")
    assert back.status_code == 201 and back.json()["progress_percent"] == 16
    assert back.json()["next_item"] == w.items["Wheel video"]["uuid"]


def test_enrollment_rules_answer_clear_errors(site_a, w, payouts_ready):
    other = site_a.make_user(role="learner")
    with site_a:
        tiny = build_published_course(author=w.instructor, title="Tiny", capacity=1)
        services.enrollment_create(course=tiny, learner=other)
        later = build_published_course(author=w.instructor, title="Later", enrollment_opens_at=timezone.now() + timedelta(days=1))
        paid = build_published_course(author=w.instructor, title="Paid", price_amount=2500)
        draft = build_course(author=w.instructor, title="Draft")
    full = _post(w.api, f"/api/v1/courses/{tiny.slug}/enroll")
    assert full.status_code == 400 and _error(full)["message"] == "“Tiny” is full (1 places)."
    window = _post(w.api, f"/api/v1/courses/{later.slug}/enroll")
    assert window.status_code == 400 and _error(window)["message"].startswith("Enrollment opens on")
    pay = _post(w.api, f"/api/v1/courses/{paid.slug}/enroll")
    assert pay.status_code == 402
    assert pay.json() == {"message": "“Paid” is a paid course: buy it to enroll.", "code": "payment_required",
                          "checkout_url": f"/billing/buy/course/{paid.uuid}/"}
    assert _post(w.api, f"/api/v1/courses/{draft.slug}/enroll").status_code == 404
    assert _post(w.api, "/api/v1/courses/no-such/drop").status_code == 404
    with site_a:
        assert not Enrollment.objects.filter(learner=w.learner).exists()


def test_anonymous_callers_get_401_on_learning_endpoints_and_change_nothing(site_a, w):
    anonymous = api_client(site_a)
    item = w.items["Read me"]["uuid"]
    for method, path in [
        ("post", f"/api/v1/courses/{w.slug}/enroll"), ("post", f"/api/v1/courses/{w.slug}/drop"),
        ("get", "/api/v1/me/enrollments"), ("get", f"/api/v1/me/enrollments/{w.slug}"),
        ("post", f"/api/v1/me/enrollments/{w.slug}/items/{item}/complete"),
        ("post", f"/api/v1/me/enrollments/{w.slug}/items/{item}/progress"),
        ("post", f"/api/v1/me/enrollments/{w.slug}/upgrade"),
        ("get", f"/api/v1/courses/{w.slug}/enrollments"), ("post", f"/api/v1/courses/{w.slug}/enrollments"),
    ]:
        response = _post(anonymous, path) if method == "post" else anonymous.get(path)
        assert response.status_code == 401, path
        assert _error(response)["code"] == "not_authenticated"
    with site_a:
        assert not Enrollment.objects.exists()


# --- my enrollments and progress ------------------------------------------------------------------


def test_my_enrollment_outline_has_per_item_state_and_no_quiz_payload(site_a, w):
    with site_a:
        enrollment = services.enrollment_create(course=w.course, learner=w.learner)
    read_me, video, quiz = (w.items[t]["uuid"] for t in ("Read me", "Wheel video", "Kiln quiz"))
    done = _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{read_me}/complete")
    assert done.status_code == 200
    assert done.json() | {"completed_at": None} == {
        "item": read_me, "completed": True, "completed_at": None, "video_position_seconds": 0, "time_spent_seconds": 0,
        "version": 1, "course_progress_percent": 16, "enrollment_status": "active",
    }
    for body in ({"video_position_seconds": 30, "time_spent_seconds": 10}, {"video_position_seconds": 42, "time_spent_seconds": 10}):
        tracked = _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{video}/progress", body)
        assert tracked.status_code == 200, tracked.content
    assert tracked.json()["video_position_seconds"] == 42 and tracked.json()["time_spent_seconds"] == 20
    response = w.api.get(f"/api/v1/me/enrollments/{w.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(enrollment.uuid) and body["progress_percent"] == 16 and body["last_item"] == video
    assert body["next_item"] == video
    states = {i["title"]: i for m in body["modules"] for lesson in m["lessons"] for i in lesson["items"]}
    assert states["Read me"]["completed"] is True and states["Wheel video"]["completed"] is False
    assert states["Wheel video"]["video_position_seconds"] == 42 and states["Wheel video"]["time_spent_seconds"] == 20
    assert states["Kiln quiz"]["ref_uuid"] == w.items["Kiln quiz"]["ref_uuid"] and states["Read me"]["ref_uuid"] is None
    assert SECRET not in response.content.decode() and "data" not in set(_walk_keys(body))
    assert quiz in response.content.decode()
    by_hand = _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{quiz}/complete")
    assert by_hand.status_code == 409 and _error(by_hand)["code"] == "completed_by_submission"
    listing = w.api.get("/api/v1/me/enrollments").json()
    assert listing["count"] == 1 and listing["results"][0]["course_title"] == "Pottery Basics"


def test_progress_input_is_validated_and_items_outside_the_version_are_404(site_a, w):
    with site_a:
        services.enrollment_create(course=w.course, learner=w.learner)
    video = w.items["Wheel video"]["uuid"]
    base = f"/api/v1/me/enrollments/{w.slug}/items"
    negative = _post(w.api, f"{base}/{video}/progress", {"time_spent_seconds": -5})
    assert negative.status_code == 400 and "time_spent_seconds" in _error(negative)["errors"]
    too_much = _post(w.api, f"{base}/{video}/progress", {"time_spent_seconds": 7200})
    assert too_much.status_code == 400
    assert _post(w.api, f"{base}/{video}/progress", {"video_position_seconds": "soon"}).status_code == 400
    for bad_item in (str(uuid.uuid4()), "not-a-uuid"):
        assert _post(w.api, f"{base}/{bad_item}/complete").status_code == 404
        assert _post(w.api, f"{base}/{bad_item}/progress", {"time_spent_seconds": 1}).status_code == 404
    assert w.api.get("/api/v1/me/enrollments/no-such-course").status_code == 404
    with site_a:
        assert not ItemProgress.objects.exists()


def test_version_pinning_and_upgrade_through_the_api(site_a, w):
    with site_a:
        services.enrollment_create(course=w.course, learner=w.learner)
        item = w.course.modules.first().lessons.first().items.first()
        services.item_update(item=item, title="Read me (v2)")
        services.course_publish(course=w.course, author=w.instructor, change_note="v2")
    mine = w.api.get(f"/api/v1/me/enrollments/{w.slug}").json()
    assert mine["version"] == 1 and mine["upgrade_available"] is True
    assert "Read me (v2)" not in json.dumps(mine)
    public = w.api.get(f"/api/v1/courses/{w.slug}").json()
    assert public["version"] == 2 and public["enrollment"]["version"] == 1 and "Read me (v2)" in json.dumps(public)
    moved = _post(w.api, f"/api/v1/me/enrollments/{w.slug}/upgrade")
    assert moved.status_code == 200
    assert moved.json()["version"] == 2 and moved.json()["upgrade_available"] is False
    assert "Read me (v2)" in json.dumps(moved.json())
    with site_a:
        services.course_unpublish(course=w.course, author=w.instructor)
    refused = _post(w.api, f"/api/v1/me/enrollments/{w.slug}/upgrade")
    assert refused.status_code == 409 and _error(refused)["code"] == "no_published_version"
    assert w.api.get(f"/api/v1/me/enrollments/{w.slug}").status_code == 200  # still learning after unpublish


# --- course staff ----------------------------------------------------------------------------------


def test_staff_list_and_bulk_enroll(site_a, w, admin_a):
    ada = site_a.make_user(role="learner", email="ada.api@acme.test")
    with site_a:
        services.enrollment_create(course=w.course, learner=w.learner)
    staff = api_client(site_a, jwt_for(site_a, w.instructor.email))
    path = f"/api/v1/courses/{w.slug}/enrollments"
    listing = staff.get(path)
    assert listing.status_code == 200 and listing.json()["count"] == 1
    assert listing.json()["results"][0]["learner_email"] == w.learner.email
    response = _post(staff, path, {"emails": ["ADA.api@acme.test", "nobody@acme.test", w.learner.email], "note": "Scholarship"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [e["learner_email"] for e in body["enrolled"]] == [ada.email]
    assert body["enrolled"][0]["note"] == "Scholarship" and body["enrolled"][0]["source"] == "staff"
    assert body["enrolled"][0]["enrolled_by"] == w.instructor.email
    reasons = {r["email"]: r["reason"] for r in body["refused"]}
    assert reasons["nobody@acme.test"] == "No account with this email address on this site."
    assert "already enrolled" in reasons[w.learner.email]
    bad = _post(staff, path, {"emails": ["not-an-email"]})
    assert bad.status_code == 400 and "emails" in _error(bad)["errors"]
    assert _post(staff, path, {"emails": []}).status_code == 400
    admin = api_client(site_a, jwt_for(site_a, "admin@acme.test"))
    assert admin.get(path).json()["count"] == 2
    with site_a:
        draft = build_course(author=w.instructor, title="Draft")
    unpublished = _post(staff, f"/api/v1/courses/{draft.slug}/enrollments", {"emails": [ada.email]})
    assert unpublished.status_code == 409 and _error(unpublished)["code"] == "not_published"


def test_staff_enrollment_api_is_404_for_everyone_else(site_a, w):
    ta = site_a.make_user(role="teaching_assistant")
    other_instructor = site_a.make_user(role="instructor")
    with site_a:
        permissions.course_role_assign(course=w.course, user=ta, course_role="teaching_assistant")
    path = f"/api/v1/courses/{w.slug}/enrollments"
    for user in (w.learner, ta, other_instructor):
        client = api_client(site_a, jwt_for(site_a, user.email))
        assert client.get(path).status_code == 404
        assert _post(client, path, {"emails": [w.learner.email]}).status_code == 404
    with site_a:
        assert not Enrollment.objects.exists()


# --- isolation ------------------------------------------------------------------------------------


def test_foreign_tokens_and_ids_get_nothing(site_a, site_b, w, admin_b):
    learner_b = site_b.make_user(role="learner")
    with site_b:
        course_b = build_published_course(author=admin_b, title="Globex Course", slug="globex-course")
        services.enrollment_create(course=course_b, learner=learner_b)
        item_b = selectors.snapshot_items(course_b.published_version.snapshot)[0]["uuid"]
    token_b = jwt_for(site_b, learner_b.email)
    foreign = api_client(site_a, token_b)  # B's token on A's host
    for method, path in [
        ("get", "/api/v1/me/enrollments"), ("get", "/api/v1/courses"), ("get", f"/api/v1/courses/{w.slug}"),
        ("post", f"/api/v1/courses/{w.slug}/enroll"), ("post", f"/api/v1/me/enrollments/globex-course/items/{item_b}/complete"),
        ("get", f"/api/v1/courses/{w.slug}/enrollments"),
    ]:
        response = _post(foreign, path) if method == "post" else foreign.get(path)
        assert response.status_code == 401, path
        assert "Globex" not in response.content.decode()
    # A's own users asking for B's course or item: 404
    assert w.api.get("/api/v1/courses/globex-course").status_code == 404
    assert _post(w.api, "/api/v1/courses/globex-course/enroll").status_code == 404
    assert _post(w.api, f"/api/v1/me/enrollments/globex-course/items/{item_b}/complete").status_code == 404
    admin_a = api_client(site_a, jwt_for(site_a, "admin@acme.test"))
    assert admin_a.get("/api/v1/courses/globex-course/enrollments").status_code == 404
    with site_a:
        services.enrollment_create(course=w.course, learner=w.learner)
    assert _post(w.api, f"/api/v1/me/enrollments/{w.slug}/items/{item_b}/complete").status_code == 404
    with site_a:
        assert not ItemProgress.objects.exists() and Enrollment.objects.count() == 1
    with site_b:
        assert Enrollment.objects.get(course=course_b).progress_percent == 0
        assert not Course.objects.filter(slug=w.slug).exists()
