"""Studio API (/api/v1/studio/courses/...): who may call it, course CRUD, outline and items with
reorder, uploads, publishing with validation, versions, rollback, unpublish, staff, isolation
between institutions, query counts and the OpenAPI schema."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import CaptureQueriesContext

from lms.courses import permissions, services
from lms.courses.models import ContentItem, Course
from lms.courses.tests.factories import build_course, build_published_course
from tenant_apps.accounts.tests.manage_helpers import api_client, client_as, jwt_for, media_in_tmp, png_bytes  # noqa: F401

from .test_studio_pages import _objects, _state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

API = "/api/v1/studio/courses"


@pytest.fixture
def world(site_a, site_b, admin_a, admin_b):
    return SimpleNamespace(a=_objects(site_a, admin_a, "a"), b=_objects(site_b, admin_b, "b"))


def _calls(o) -> list[tuple[str, str, dict | None]]:
    """(method, path, body) for every endpoint, addressing `o`'s objects (deletions last)."""
    c = f"{API}/{o.slug}"
    m, lesson, i = o.module_id, o.lesson_id, o.item_id
    return [
        ("get", API, None),
        ("post", API, {"title": "Injected"}),
        ("get", c, None),
        ("patch", c, {"title": "Hijacked"}),
        ("multipart", c + "/cover", None),
        ("delete", c + "/cover", None),
        ("post", c + "/modules/reorder", {"order": [str(m)]}),  # reorders first: they list the current children
        ("post", f"{c}/modules/{m}/lessons/reorder", {"order": [str(lesson)]}),
        ("post", f"{c}/lessons/{lesson}/items/reorder", {"order": [str(i)]}),
        ("post", c + "/modules", {"title": "Injected"}),
        ("patch", f"{c}/modules/{m}", {"title": "Renamed"}),
        ("post", f"{c}/modules/{m}/lessons", {"title": "Injected"}),
        ("patch", f"{c}/lessons/{lesson}", {"title": "Renamed"}),
        ("post", f"{c}/lessons/{lesson}/items", {"kind": "text", "title": "Injected", "body": "x"}),
        ("get", f"{c}/items/{i}", None),
        ("patch", f"{c}/items/{i}", {"title": "Renamed", "body": "changed"}),
        ("get", c + "/publish", None),
        ("post", c + "/publish", {"change_note": "hijack"}),
        ("get", c + "/versions", None),
        ("post", c + "/rollback", {"version": 1}),
        ("post", c + "/unpublish", None),
        ("get", c + "/staff", None),
        ("post", c + "/staff", {"email": o.other_instructor.email, "course_role": "instructor"}),
        ("delete", f"{c}/staff/{o.ta_id}", None),
        ("delete", f"{c}/items/{i}", None),
        ("delete", f"{c}/lessons/{lesson}", None),
        ("delete", f"{c}/modules/{m}", None),
    ]


READS = {"get"}


def _call(client, method: str, path: str, body=None, **extra):
    if method == "multipart":
        return client.post(path, {"file": SimpleUploadedFile("c.png", png_bytes())}, **extra)
    if body is None:
        return getattr(client, method)(path, **extra)
    return getattr(client, method)(path, body, content_type="application/json", **extra)


def _token_client(site, user):
    return api_client(site, jwt_for(site, user.email))


def _error(response) -> dict:
    body = response.json()
    assert {"message", "code"} <= set(body), body
    return body


# --- who may call it -----------------------------------------------------------------------


def test_instructor_token_works_on_every_endpoint(world):
    client = _token_client(world.a.site, world.a.instructor)
    for method, path, body in _calls(world.a):
        response = _call(client, method, path, body)
        if (method, path) == ("post", f"{API}/{world.a.slug}/publish"):
            # the calls before added an empty module and lesson: publishing is refused for that reason
            assert response.status_code == 400 and response.json()["code"] == "not_publishable"
            assert "Module “Injected” has no lessons." in response.json()["problems"]
            continue
        assert response.status_code in (200, 201, 204), (method, path, response.content)


def test_anonymous_callers_get_401_and_change_nothing(world):
    client = api_client(world.a.site)
    before = _state(world.a)
    for method, path, body in _calls(world.a):
        response = _call(client, method, path, body)
        assert response.status_code == 401, (method, path)
        assert _error(response)["code"] == "not_authenticated"
    assert _state(world.a) == before


def test_learners_get_403_everywhere_and_never_see_drafts(world):
    before = _state(world.a)
    for client in (_token_client(world.a.site, world.a.learner), client_as(world.a.site, world.a.learner)):
        for method, path, body in _calls(world.a):
            response = _call(client, method, path, body)
            assert response.status_code == 403, (method, path)
            assert _error(response)["code"] == "permission_denied"
            assert world.a.secret.encode() not in response.content
    assert _state(world.a) == before


def test_teaching_assistant_reads_but_cannot_change_or_publish(world):
    client = _token_client(world.a.site, world.a.ta)
    before = _state(world.a)
    for method, path, body in _calls(world.a):
        response = _call(client, method, path, body)
        if method in READS and not path.endswith("/publish"):
            assert response.status_code == 200, (method, path)
        else:
            assert response.status_code == 403, (method, path, response.content)
    assert _state(world.a) == before
    course = client.get(f"{API}/{world.a.slug}").json()
    assert (course["can_edit"], course["can_publish"]) == (False, False)


def test_instructor_without_access_gets_404(world):
    client = _token_client(world.a.site, world.a.other_instructor)
    before = _state(world.a)
    assert client.get(API).json()["count"] == 0
    for method, path, body in _calls(world.a)[2:]:
        assert _call(client, method, path, body).status_code == 404, (method, path)
    assert _state(world.a) == before


# --- isolation between institutions --------------------------------------------------------


def test_foreign_token_is_refused_and_changes_nothing(world):
    client = api_client(world.a.site, jwt_for(world.b.site, world.b.instructor.email))
    before_a, before_b = _state(world.a), _state(world.b)
    for method, path, body in _calls(world.b) + _calls(world.a):
        assert _call(client, method, path, body).status_code == 401, (method, path)
    assert (_state(world.a), _state(world.b)) == (before_a, before_b)


def test_admin_cannot_reach_another_institutions_courses_or_ids(world):
    client = _token_client(world.a.site, world.a.admin)
    before_b = _state(world.b)
    for method, path, body in _calls(world.b)[2:]:
        response = _call(client, method, path, body)
        assert response.status_code == 404, (method, path)
        assert _error(response)["code"] == "not_found"
    # A's own course, addressed with B's module, lesson, item and staff ids
    mixed = SimpleNamespace(**{**vars(world.a), "module_id": world.b.module_id, "lesson_id": world.b.lesson_id,
                               "item_id": world.b.item_id, "ta_id": world.b.ta_id})
    foreign_ids = [str(x) for x in (world.b.module_id, world.b.lesson_id, world.b.item_id, world.b.ta_id)]
    for method, path, body in _calls(mixed):
        if any(i in path for i in foreign_ids):
            assert _call(client, method, path, body).status_code == 404, (method, path)
    assert _state(world.b) == before_b
    for bad in ("12", "not-a-uuid", str(uuid.uuid4())):
        response = client.get(f"{API}/{world.a.slug}/items/{bad}")
        assert response.status_code == 404 and _error(response)["code"] == "not_found"
    # ids of another course of A's own institution do not work through this course either
    with world.a.site:
        other = build_course(author=world.a.admin, title="Other")
        other_item = ContentItem.objects.filter(lesson__module__course=other).first()
    assert client.get(f"{API}/{world.a.slug}/items/{other_item.uuid}").status_code == 404


# --- courses -------------------------------------------------------------------------------


def test_course_create_list_retrieve_patch(world):
    o = world.a
    client = _token_client(o.site, o.other_instructor)
    response = client.post(API, {"title": "Data Science 101", "summary": "Numbers", "tags": ["python", " ml ", "Python"],
                                 "price": "19.99", "price_currency": "usd", "level": "intermediate"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert response["Location"] == f"{API}/data-science-101"
    assert (created["slug"], created["tags"], created["price"], created["price_amount"], created["price_currency"]) == (
        "data-science-101", ["python", "ml"], "19.99", 1999, "USD")
    assert (created["is_published"], created["published_version"], created["modules"]) == (False, None, [])
    assert created["can_edit"] and created["can_publish"]

    listed = client.get(API).json()
    assert [c["slug"] for c in listed["results"]] == ["data-science-101"]

    url = f"{API}/data-science-101"
    patched = client.patch(url, {"capacity": 25, "visibility": "unlisted", "enrollment_opens_at": "2030-01-01T09:00:00Z",
                                 "estimated_minutes": 120, "description": "# Hi"}, content_type="application/json").json()
    assert (patched["capacity"], patched["visibility"], patched["estimated_minutes"], patched["description"]) == (
        25, "unlisted", 120, "# Hi")
    assert patched["title"] == "Data Science 101"  # untouched fields stay
    # price alone keeps the currency; currency alone keeps the amount as written
    assert client.patch(url, {"price": "5"}, content_type="application/json").json()["price_amount"] == 500
    changed = client.patch(url, {"price_currency": "USD"}, content_type="application/json").json()
    assert (changed["price"], changed["price_amount"], changed["price_currency"]) == ("5.00", 500, "USD")
    assert client.patch(url, {"price": "0"}, content_type="application/json").json()["price_amount"] == 0

    for body, field in [
        ({"enrollment_closes_at": "2029-12-31T09:00:00Z"}, "enrollment_closes_at"),  # before the saved opening
        ({"price": "1000", "price_currency": "JPY"}, "price_currency"),  # not the institution's currency
        ({"price": "10.5", "price_currency": "JPY"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price_currency": "EURO"}, "price_currency"),
        ({"slug": ""}, "slug"),
        ({"slug": o.slug}, "slug"),  # taken by another course
        ({"title": "  "}, "title"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"capacity": 0}, "capacity"),
        ({"level": "expert"}, "level"),
    ]:
        response = client.patch(url, body, content_type="application/json")
        if field is None:
            assert response.status_code == 200, (body, response.content)
            continue
        assert response.status_code == 400, body
        assert field in _error(response)["errors"], (body, response.json())
    with o.site:
        course = Course.objects.get(slug="data-science-101")
        assert (course.price_amount, course.price_currency) == (0, "USD")
    renamed = client.patch(url, {"slug": "ds-101"}, content_type="application/json")
    assert renamed.status_code == 200 and client.get(f"{API}/ds-101").status_code == 200
    assert client.get(url).status_code == 404


def test_teaching_assistant_cannot_create_courses(world):
    response = _token_client(world.a.site, world.a.ta).post(API, {"title": "Mine"}, content_type="application/json")
    assert response.status_code == 403


def test_cover_upload_is_checked_by_content(world, settings):
    o = world.a
    client = _token_client(o.site, o.instructor)
    url = f"{API}/{o.slug}/cover"
    response = client.post(url, {"file": SimpleUploadedFile("x.png", b"GIF89a not really", content_type="image/png")})
    assert response.status_code == 400 and "cover" in _error(response)["errors"]
    response = client.post(url, {"file": SimpleUploadedFile("x.bin", png_bytes())})
    assert response.status_code == 200 and response.json()["cover_url"].endswith(f"/studio/courses/{o.slug}/cover")
    settings.COURSE_COVER_MAX_BYTES = 10
    response = client.post(url, {"file": SimpleUploadedFile("x.png", png_bytes())})
    assert response.status_code == 413 and _error(response)["code"] == "too_large"
    assert client.delete(url).status_code == 204
    assert client.get(f"{API}/{o.slug}").json()["cover_url"] is None


# --- outline -------------------------------------------------------------------------------


def test_outline_crud_and_reorder(site_a, admin_a):
    with site_a:
        course = services.course_create(author=admin_a, title="Built by API")
    client = _token_client(site_a, admin_a)
    c = f"{API}/{course.slug}"
    m1 = client.post(c + "/modules", {"title": "One"}, content_type="application/json").json()
    m2 = client.post(c + "/modules", {"title": "Two"}, content_type="application/json").json()
    assert (m1["position"], m2["position"], m2["lessons"]) == (1, 2, [])
    assert client.post(c + "/modules", {"title": " "}, content_type="application/json").status_code == 400
    assert client.patch(f"{c}/modules/{m1['id']}", {"title": "First"}, content_type="application/json").json()["title"] == "First"

    order = client.post(c + "/modules/reorder", {"order": [m2["id"], m1["id"]]}, content_type="application/json")
    assert order.status_code == 200 and [e["title"] for e in order.json()] == ["Two", "First"]
    for bad in ([m2["id"]], [m1["id"], m1["id"]], [m1["id"], m2["id"], str(uuid.uuid4())], [], ["nope"]):
        response = client.post(c + "/modules/reorder", {"order": bad}, content_type="application/json")
        assert response.status_code == 400, bad
        assert "order" in _error(response)["errors"]

    lessons = [client.post(f"{c}/modules/{m1['id']}/lessons", {"title": t}, content_type="application/json").json()
               for t in ("L1", "L2", "L3")]
    order = client.post(f"{c}/modules/{m1['id']}/lessons/reorder", {"order": [lessons[2]["id"], lessons[0]["id"], lessons[1]["id"]]},
                        content_type="application/json")
    assert [e["title"] for e in order.json()] == ["L3", "L1", "L2"]
    # a lesson of another module is not a sibling
    other = client.post(f"{c}/modules/{m2['id']}/lessons", {"title": "Elsewhere"}, content_type="application/json").json()
    bad = client.post(f"{c}/modules/{m1['id']}/lessons/reorder",
                      {"order": [lessons[0]["id"], lessons[1]["id"], other["id"]]}, content_type="application/json")
    assert bad.status_code == 400

    lesson = lessons[0]["id"]
    items = f"{c}/lessons/{lesson}/items"
    text_item = client.post(items, {"kind": "text", "title": "Read", "body": "**hi**"}, content_type="application/json")
    assert text_item.status_code == 201 and text_item.json()["body"] == "**hi**"
    video = client.post(items, {"kind": "video", "title": "Watch", "url": "https://v.example.org/1.mp4"}, content_type="application/json").json()
    link = client.post(items, {"kind": "link", "title": "Docs", "url": "https://docs.example.org/"}, content_type="application/json").json()
    for body, field in [
        ({"kind": "link", "title": "Bad", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "video", "title": "No url"}, "url"),
        ({"kind": "file", "title": "No file"}, "file"),
        ({"kind": "poster", "title": "?"}, "kind"),
        ({"kind": "text", "title": ""}, "title"),
    ]:
        response = client.post(items, body, content_type="application/json")
        assert response.status_code == 400 and field in _error(response)["errors"], (body, response.json())

    item_url = f"{c}/items/{text_item.json()['id']}"
    assert client.patch(item_url, {"body": "changed"}, content_type="application/json").json()["body"] == "changed"
    response = client.patch(item_url, {"url": "https://example.org/"}, content_type="application/json")
    assert response.status_code == 400 and "url" in _error(response)["errors"]
    assert client.patch(f"{c}/items/{video['id']}", {"url": "https://vimeo.com/76979871"},
                        content_type="application/json").json()["url"] == "https://vimeo.com/76979871"

    order = client.post(items + "/reorder", {"order": [link["id"], video["id"], text_item.json()["id"]]},
                        content_type="application/json")
    assert [e["title"] for e in order.json()] == ["Docs", "Watch", "Read"]
    detail = client.get(c).json()
    assert [m["title"] for m in detail["modules"]] == ["Two", "First"]
    first = detail["modules"][1]
    assert [lesson_["title"] for lesson_ in first["lessons"]] == ["L3", "L1", "L2"]
    assert [i["title"] for i in first["lessons"][1]["items"]] == ["Docs", "Watch", "Read"]

    assert client.delete(f"{c}/items/{link['id']}").status_code == 204
    assert client.delete(f"{c}/lessons/{lessons[2]['id']}").status_code == 204
    assert client.delete(f"{c}/modules/{m2['id']}").status_code == 204
    assert client.delete(f"{c}/modules/{m2['id']}").status_code == 404
    detail = client.get(c).json()
    assert [(m["title"], [lesson_["title"] for lesson_ in m["lessons"]]) for m in detail["modules"]] == [("First", ["L1", "L2"])]


def test_file_items_upload_with_a_size_limit(site_a, admin_a, settings):
    with site_a:
        course = build_course(author=admin_a, title="Files", items=0)
        lesson = course.modules.get().lessons.get()
    client = _token_client(site_a, admin_a)
    items = f"{API}/{course.slug}/lessons/{lesson.uuid}/items"
    response = client.post(items, {"kind": "file", "title": "Handout", "file": SimpleUploadedFile("hand out.pdf", b"%PDF-1 x")})
    assert response.status_code == 201, response.content
    item = response.json()
    assert item["file_name"] == "hand_out.pdf" and item["file_url"].endswith(f"/studio/courses/{course.slug}/items/{item['id']}/file")
    download = client_as(site_a, admin_a).get(item["file_url"].split("localhost", 1)[1])
    assert b"".join(download.streaming_content) == b"%PDF-1 x"

    settings.COURSE_FILE_MAX_BYTES = 5
    response = client.post(items, {"kind": "file", "title": "Huge", "file": SimpleUploadedFile("big.bin", b"123456")})
    assert response.status_code == 413
    assert _error(response)["code"] == "too_large" and "too large" in response.json()["message"]
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.bin", b"123456")})
    response = client.patch(f"{API}/{course.slug}/items/{item['id']}", body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 413
    settings.COURSE_FILE_MAX_BYTES = 1000
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("v2.pdf", b"%PDF-2")})
    response = client.patch(f"{API}/{course.slug}/items/{item['id']}", body, content_type=MULTIPART_CONTENT)
    assert response.status_code == 200 and response.json()["file_name"] == "v2.pdf"
    with site_a:
        assert ContentItem.objects.filter(lesson=lesson).count() == 1


def test_assignment_items_get_a_draft_from_their_app(site_a, admin_a):
    from lms.assignments.models import Assignment

    with site_a:
        course = build_course(author=admin_a, title="Quizzes", items=0)
        lesson = course.modules.get().lessons.get()
    client = _token_client(site_a, admin_a)
    items = f"{API}/{course.slug}/lessons/{lesson.uuid}/items"
    response = client.post(items, {"kind": "assignment", "title": "Essay"}, content_type="application/json")
    assert response.status_code == 201
    ref = response.json()["ref_uuid"]
    with site_a:
        assignment = Assignment.objects.get(uuid=ref)
    assert (assignment.title, assignment.course_id) == ("Essay", course.pk)
    assert response.json()["editor_url"] == f"/studio/courses/{course.slug}/assignments/{ref}/"


# --- publishing ----------------------------------------------------------------------------


def test_publish_validation_versions_rollback_unpublish(site_a, admin_a):
    with site_a:
        course = services.course_create(author=admin_a, title="Publishing")
    client = _token_client(site_a, admin_a)
    c = f"{API}/{course.slug}"
    assert client.get(c + "/publish").json() == {"publishable": False, "problems": ["Add at least one module."]}
    response = client.post(c + "/publish", {"change_note": "too early"}, content_type="application/json")
    assert response.status_code == 400
    body = _error(response)
    assert body["problems"] == ["Add at least one module."] and body["errors"] == {"problems": ["Add at least one module."]}

    module = client.post(c + "/modules", {"title": "M"}, content_type="application/json").json()
    lesson = client.post(f"{c}/modules/{module['id']}/lessons", {"title": "L"}, content_type="application/json").json()
    item = client.post(f"{c}/lessons/{lesson['id']}/items", {"kind": "text", "title": "Page"}, content_type="application/json").json()
    assert client.post(c + "/publish", {}, content_type="application/json").json()["problems"] == [
        "Text “Page” in lesson “L” is empty."]
    client.patch(f"{c}/items/{item['id']}", {"body": "Words"}, content_type="application/json")
    v1 = client.post(c + "/publish", {"change_note": "First"}, content_type="application/json")
    assert v1.status_code == 201
    assert (v1.json()["number"], v1.json()["change_note"], v1.json()["author"], v1.json()["is_live"]) == (
        1, "First", admin_a.email, True)

    extra = client.post(f"{c}/lessons/{lesson['id']}/items", {"kind": "link", "title": "Extra", "url": "https://e.org/"},
                        content_type="application/json").json()
    assert client.post(c + "/publish", {"change_note": "Second"}, content_type="application/json").json()["number"] == 2
    versions = client.get(c + "/versions").json()
    assert [(v["number"], v["is_live"]) for v in versions] == [(2, True), (1, False)]
    assert versions[0]["changes"]["items_added"] == ["Extra"]

    assert client.post(c + "/rollback", {"version": 99}, content_type="application/json").status_code == 400
    assert client.post(c + "/rollback", {"version": "x"}, content_type="application/json").status_code == 400
    v3 = client.post(c + "/rollback", {"version": 1}, content_type="application/json")
    assert v3.status_code == 201 and (v3.json()["number"], v3.json()["rolled_back_from"]) == (3, 1)
    assert client.get(f"{c}/items/{extra['id']}").status_code == 404  # the draft was reset to version 1
    assert client.get(c).json()["published_version"] == 3

    unpublished = client.post(c + "/unpublish")
    assert unpublished.status_code == 200 and unpublished.json()["is_published"] is False
    assert client.post(c + "/unpublish").status_code == 200  # idempotent
    assert len(client.get(c + "/versions").json()) == 3


def test_teaching_assistant_cannot_publish_through_the_api(world):
    client = _token_client(world.a.site, world.a.ta)
    response = client.post(f"{API}/{world.a.slug}/publish", {"change_note": "mine"}, content_type="application/json")
    assert response.status_code == 403
    with world.a.site:
        assert Course.objects.get(pk=world.a.course.pk).versions.count() == 1


# --- staff ---------------------------------------------------------------------------------


def test_staff_list_add_change_remove(world):
    o = world.a
    client = _token_client(o.site, o.instructor)
    url = f"{API}/{o.slug}/staff"
    assert [(s["email"], s["course_role"]) for s in client.get(url).json()] == sorted(
        [(o.instructor.email, "instructor"), (o.ta.email, "teaching_assistant")])
    body = {"email": o.other_instructor.email, "course_role": "teaching_assistant"}
    added = client.post(url, body, content_type="application/json")
    assert added.status_code == 201 and added.json()["id"] == str(o.other_instructor.profile.public_id)
    changed = client.post(url, body | {"course_role": "instructor"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["course_role"] == "instructor"
    with o.site:
        assert permissions.can_publish(o.other_instructor, o.course)
    for bad, field in [({"email": o.learner.email, "course_role": "instructor"}, "user"),
                       ({"email": "ghost@example.org", "course_role": "instructor"}, "email"),
                       ({"email": o.ta.email, "course_role": "dean"}, "course_role")]:
        response = client.post(url, bad, content_type="application/json")
        assert response.status_code == 400 and field in _error(response)["errors"], bad
    assert client.delete(f"{url}/{o.other_instructor.profile.public_id}").status_code == 204
    assert client.delete(f"{url}/{o.other_instructor.profile.public_id}").status_code == 404
    assert client.delete(f"{url}/{o.learner.profile.public_id}").status_code == 404
    with o.site:
        assert not permissions.can_edit(o.other_instructor, o.course)


# --- query counts and schema ---------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_course_detail_and_list_queries_do_not_grow(site_a, admin_a):
    instructor = site_a.make_user("instructor")
    with site_a:
        small = build_published_course(author=instructor, title="Small", modules=1, lessons=1, items=1)
        large = build_published_course(author=instructor, title="Large", modules=4, lessons=3, items=3)
    client = _token_client(site_a, instructor)
    client.get(API)
    assert _queries(client, f"{API}/{small.slug}") == _queries(client, f"{API}/{large.slug}")
    few = _queries(client, API)
    with site_a:
        for n in range(5):
            build_published_course(author=instructor, title=f"More {n}")
    assert _queries(client, API) == few


def test_schema_documents_the_studio_endpoints(site_a):
    response = site_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    for path in ("/api/v1/studio/courses", "/api/v1/studio/courses/{slug}", "/api/v1/studio/courses/{slug}/publish",
                 "/api/v1/studio/courses/{slug}/modules/reorder", "/api/v1/studio/courses/{slug}/items/{id}",
                 "/api/v1/studio/courses/{slug}/rollback", "/api/v1/studio/courses/{slug}/staff/{id}"):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/v1/studio/courses/{slug}/lessons/{id}/items"]["post"]["requestBody"]["content"]
