"""Authoring studio pages (/studio/): who may use them, course details and uploads, outline and
content editing, publishing with validation, history and rollback, course staff, the draft
preview, query counts, and isolation between institutions."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.courses import permissions, services
from lms.courses.models import ContentItem, Course, Enrollment
from lms.courses.tests.factories import build_course, build_published_course
from tenant_apps.accounts.tests.manage_helpers import client_as, media_in_tmp, png_bytes, text  # noqa: F401 - fixture
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

SECRET = "draft-only-secret"


def _objects(site, admin, key: str) -> SimpleNamespace:
    instructor = site.make_user("instructor", first_name="Ines", last_name=f"Teacher-{key}")
    other_instructor = site.make_user("instructor")
    ta = site.make_user("teaching_assistant")
    learner = site.make_user("learner")
    with site:
        course = build_published_course(author=instructor, title=f"Course {key}", slug=f"course-{key}", items=1)
        module = course.modules.get()
        lesson = module.lessons.get()
        item = lesson.items.get()
        services.item_update(item=item, body=f"{SECRET}-{key}")  # a draft change, after publishing
        permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
    return SimpleNamespace(
        site=site, admin=admin, instructor=instructor, other_instructor=other_instructor, ta=ta, learner=learner,
        course=course, slug=course.slug, module_id=module.uuid, lesson_id=lesson.uuid, item_id=item.uuid,
        ta_id=ta.profile.public_id, secret=f"{SECRET}-{key}",
    )


@pytest.fixture
def world(site_a, site_b, admin_a, admin_b):
    return SimpleNamespace(a=_objects(site_a, admin_a, "a"), b=_objects(site_b, admin_b, "b"))


def _course_url(o, rest: str = "") -> str:
    return f"/studio/courses/{o.slug}/{rest}"


def _get_urls(o) -> list[str]:
    return [
        "/studio/",
        "/studio/courses/new/",
        _course_url(o),
        _course_url(o, "preview/"),
        _course_url(o, "publish/"),
        _course_url(o, "history/"),
        _course_url(o, "staff/"),
        _course_url(o, f"lessons/{o.lesson_id}/"),
        _course_url(o, f"items/{o.item_id}/"),
    ]


def _details(**overrides) -> dict:
    data = {
        "title": "Hijacked", "slug": "hijacked", "summary": "", "description": "", "level": "beginner",
        "estimated_minutes": "", "tags": "", "capacity": "", "enrollment_opens_at": "", "enrollment_closes_at": "",
        "visibility": "listed", "price": "0", "price_currency": "USD",
    }
    return data | overrides


def _post_requests(o) -> list[tuple[str, dict]]:
    """Every change a studio page can make, with valid data (deletions last)."""
    return [
        ("/studio/courses/new/", {"title": "Injected course"}),
        (_course_url(o), _details()),
        (_course_url(o, "markdown-preview"), {"description": "# hi"}),
        (_course_url(o, "modules/add"), {"title": "Injected module"}),
        (_course_url(o, f"modules/{o.module_id}/rename"), {"title": "Renamed"}),
        (_course_url(o, f"modules/{o.module_id}/move"), {"direction": "down"}),
        (_course_url(o, f"modules/{o.module_id}/lessons/add"), {"title": "Injected lesson"}),
        (_course_url(o, f"lessons/{o.lesson_id}/rename"), {"title": "Renamed"}),
        (_course_url(o, f"lessons/{o.lesson_id}/move"), {"direction": "down"}),
        (_course_url(o, f"lessons/{o.lesson_id}/items/add"), {"kind": "text", "title": "Injected", "body": "x"}),
        (_course_url(o, f"items/{o.item_id}/"), {"title": "Renamed", "body": "changed"}),
        (_course_url(o, f"items/{o.item_id}/move"), {"direction": "down"}),
        (_course_url(o, "publish/"), {"change_note": "hijack"}),
        (_course_url(o, "rollback"), {"version": "1"}),
        (_course_url(o, "unpublish"), {}),
        (_course_url(o, "staff/"), {"email": o.other_instructor.email, "course_role": "instructor"}),
        (_course_url(o, f"staff/{o.ta_id}/remove"), {}),
        (_course_url(o, f"items/{o.item_id}/delete"), {}),
        (_course_url(o, f"lessons/{o.lesson_id}/delete"), {}),
        (_course_url(o, f"modules/{o.module_id}/delete"), {}),
    ]


def _state(o) -> dict:
    with o.site:
        course = Course.objects.get(pk=o.course.pk)
        return {
            "course": (course.title, course.slug, course.published_version_id),
            "courses": Course.objects.count(),
            "outline": [
                (m.title, m.position, [(lesson.title, lesson.position,
                                        [(i.title, i.body, i.position) for i in lesson.items.all()])
                                       for lesson in m.lessons.all()])
                for m in course.modules.prefetch_related("lessons__items")
            ],
            "versions": course.versions.count(),
            "staff": [(u.email, role) for u, role in permissions.course_staff(course)],
        }


def _assert_login_redirect(response, path: str) -> None:
    assert response.status_code == 302, (path, response.status_code)
    assert response["Location"].startswith("/accounts/login/?next="), (path, response["Location"])


# --- who may use the studio ----------------------------------------------------------------


def test_instructor_of_the_course_can_open_every_page(world):
    client = client_as(world.a.site, world.a.instructor)
    for url in _get_urls(world.a):
        assert client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_log_in_and_change_nothing(world):
    client = world.a.site.client()
    before = _state(world.a)
    for url in _get_urls(world.a):
        _assert_login_redirect(client.get(url), url)
    for url, data in _post_requests(world.a):
        _assert_login_redirect(client.post(url, data), url)
    assert _state(world.a) == before


def test_learners_get_403_everywhere_and_never_see_draft_content(world):
    client = client_as(world.a.site, world.a.learner)
    before = _state(world.a)
    for url in _get_urls(world.a) + [_course_url(world.a, "cover"), _course_url(world.a, f"items/{world.a.item_id}/file")]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert world.a.secret not in text(response) and "Reading 1" not in text(response), url
    for url, data in _post_requests(world.a):
        assert client.post(url, data).status_code == 403, url
    assert _state(world.a) == before


def test_teaching_assistant_reads_but_cannot_edit_or_publish(world):
    client = client_as(world.a.site, world.a.ta)
    before = _state(world.a)
    page = client.get(_course_url(world.a))
    assert page.status_code == 200
    assert "Read-only" in text(page) and "Save details" not in text(page) and "Add module" not in text(page)
    assert client.get(_course_url(world.a, "preview/")).status_code == 200  # staff preview the draft
    assert client.get(_course_url(world.a, "history/")).status_code == 200
    assert "Roll back to this version" not in text(client.get(_course_url(world.a, "history/")))
    assert client.get(_course_url(world.a, "publish/")).status_code == 403
    assert client.get("/studio/courses/new/").status_code == 403
    assert "New course" not in text(client.get("/studio/"))
    for url, data in _post_requests(world.a):
        assert client.post(url, data).status_code == 403, url
    assert _state(world.a) == before


def test_course_menu_leads_teaching_assistants_and_instructors_to_grading(world):
    """The assignment and quiz editors are for editors only: the grading pages are linked from the course menu."""
    for user in (world.a.ta, world.a.instructor):
        client = client_as(world.a.site, user)
        page = client.get(_course_url(world.a))
        for path in (f"/studio/courses/{world.a.slug}/grading/", f"/studio/courses/{world.a.slug}/quizzes/grading/",
                     f"/studio/courses/{world.a.slug}/gradebook/"):
            assert f'href="{path}"' in page.content.decode(), (user.email, path)
            assert client.get(path).status_code == 200, (user.email, path)


def test_instructor_without_access_to_a_course_gets_404(world):
    client = client_as(world.a.site, world.a.other_instructor)
    before = _state(world.a)
    for url in _get_urls(world.a)[2:]:
        assert client.get(url).status_code == 404, url
    for url, data in _post_requests(world.a)[1:]:  # the first one creates their own course
        assert client.post(url, data).status_code == 404, url
    assert _state(world.a) == before


def test_changes_require_post(world):
    client = client_as(world.a.site, world.a.instructor)
    forms_pages = {"/studio/courses/new/", _course_url(world.a), _course_url(world.a, "publish/"),
                   _course_url(world.a, "staff/"), _course_url(world.a, f"items/{world.a.item_id}/")}
    for url, _ in _post_requests(world.a):
        if url not in forms_pages:
            assert client.get(url).status_code == 405, url


# --- isolation between institutions --------------------------------------------------------


def test_other_institutions_session_is_not_valid_here(world):
    client_b = client_as(world.b.site, world.b.instructor)
    assert client_b.get(_course_url(world.b)).status_code == 200  # the session works on its own site
    before_a, before_b = _state(world.a), _state(world.b)
    for url in _get_urls(world.b) + _get_urls(world.a):
        _assert_login_redirect(client_b.get(url, HTTP_HOST=world.a.site.host), url)
    for url, data in _post_requests(world.b) + _post_requests(world.a):
        _assert_login_redirect(client_b.post(url, data, HTTP_HOST=world.a.site.host), url)
    assert (_state(world.a), _state(world.b)) == (before_a, before_b)


def test_admin_cannot_reach_another_institutions_courses_or_ids(world):
    client = client_as(world.a.site, world.a.admin)
    before_b = _state(world.b)
    for url in _get_urls(world.b)[2:]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert world.b.secret not in text(response)
    for url, data in _post_requests(world.b)[1:]:
        assert client.post(url, data).status_code == 404, url
    # A's own course with B's module, lesson, item and staff ids
    a_course_b_ids = SimpleNamespace(**{**vars(world.a), "module_id": world.b.module_id, "lesson_id": world.b.lesson_id,
                                        "item_id": world.b.item_id, "ta_id": world.b.ta_id})
    for url, data in _post_requests(a_course_b_ids):
        if any(str(i) in url for i in (world.b.module_id, world.b.lesson_id, world.b.item_id, world.b.ta_id)):
            assert client.post(url, data).status_code == 404, url
    assert client.get(_course_url(world.a, f"lessons/{world.b.lesson_id}/")).status_code == 404
    assert client.get(_course_url(world.a, f"items/{uuid.uuid4()}/")).status_code == 404
    assert _state(world.b) == before_b


# --- course list and creation --------------------------------------------------------------


def test_course_list_shows_the_courses_each_person_works_on(world, site_a):
    with site_a:
        other = build_course(author=world.a.other_instructor, title="Someone else's course")
    page = text(client_as(site_a, world.a.instructor).get("/studio/"))
    assert "Course a" in page and "Someone else" not in page and "New course" in page and "Edit and publish" in page
    page = text(client_as(site_a, world.a.ta).get("/studio/"))
    assert "Course a" in page and "Someone else" not in page and "Read-only" in page
    page = text(client_as(site_a, world.a.admin).get("/studio/"))
    assert "Course a" in page and other.title in page and "Course b" not in page


def test_instructor_creates_a_course_and_becomes_its_instructor(world, site_a):
    client = client_as(site_a, world.a.other_instructor)
    response = client.post("/studio/courses/new/", {"title": "Data Science 101", "summary": "Numbers"})
    assert response.status_code == 302 and response["Location"] == "/studio/courses/data-science-101/"
    with site_a:
        course = Course.objects.get(slug="data-science-101")
        assert course.summary == "Numbers" and not course.is_published
        assert permissions.course_staff(course) == [(world.a.other_instructor, "instructor")]
    refused = client.post("/studio/courses/new/", {"title": "Again", "slug": "data-science-101"})
    assert refused.status_code == 400 and "already exists" in text(refused)
    assert client.post("/studio/courses/new/", {"title": "  "}).status_code == 400
    assert client.post("/studio/courses/new/", {}).status_code == 400


def test_editing_every_course_detail(world, site_a, payouts_ready):
    client = client_as(site_a, world.a.instructor)
    response = client.post(_course_url(world.a), _details(
        title="Course A, revised", slug="course-a-revised", summary="Short", level="advanced",
        description="# Welcome\n\n<script>alert(1)</script>**bold**", estimated_minutes="90",
        tags=" python, Data ,python,, ml ", capacity="30", enrollment_opens_at="2030-01-01T09:00",
        enrollment_closes_at="2030-02-01T09:00", visibility="unlisted", price="19.99", price_currency="usd",
    ))
    assert response.status_code == 302 and response["Location"] == "/studio/courses/course-a-revised/"
    with site_a:
        course = Course.objects.get(pk=world.a.course.pk)
    assert (course.title, course.level, course.estimated_minutes, course.capacity, course.visibility) == (
        "Course A, revised", "advanced", 90, 30, "unlisted")
    assert course.tags == ["python", "Data", "ml"]
    assert (course.price_amount, course.price_currency) == (1999, "USD")
    assert course.enrollment_opens_at.isoformat() == "2030-01-01T09:00:00+00:00"
    page = client.get("/studio/courses/course-a-revised/").content.decode()  # raw: escaped text stays escaped
    assert "<h1>Welcome</h1>" in page and "<strong>bold</strong>" in page and "<script>alert" not in page
    assert 'value="19.99"' in page and 'value="python, Data, ml"' in page


@pytest.mark.parametrize("overrides, message", [
    ({"enrollment_opens_at": "2030-02-01T09:00", "enrollment_closes_at": "2030-01-01T09:00"}, "must close after it opens"),
    ({"price": "1.999"}, "decimal places"),
    ({"price": "10.5", "price_currency": "JPY"}, "JPY has no minor unit"),
    ({"price": "-1"}, "greater than or equal to 0"),
    ({"price_currency": "EURO"}, "three-letter"),
    ({"capacity": "0"}, "greater than or equal to 1"),
    ({"title": " "}, "title"),
    ({"slug": "not a slug"}, "slug"),
    ({"tags": ",".join(f"t{i}" for i in range(25))}, "At most 20 tags"),
])
def test_invalid_details_are_refused_with_a_message(world, site_a, overrides, message):
    client = client_as(site_a, world.a.instructor)
    before = _state(world.a)
    response = client.post(_course_url(world.a), _details(**({"slug": world.a.slug} | overrides)))
    assert response.status_code == 400
    assert message in text(response)
    assert _state(world.a) == before


def test_slug_already_taken_is_refused(world, site_a):
    with site_a:
        build_course(author=world.a.instructor, title="Taken", slug="taken")
    response = client_as(site_a, world.a.instructor).post(_course_url(world.a), _details(slug="taken"))
    assert response.status_code == 400 and "already exists" in text(response)
    assert 'action="/studio/courses/course-a/modules/add"' in text(response)  # links still use the saved slug


def test_cover_is_checked_by_its_content_and_served_to_staff(world, site_a, settings):
    client = client_as(site_a, world.a.instructor)
    fake = SimpleUploadedFile("cover.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client.post(_course_url(world.a), _details(slug=world.a.slug, cover=fake))
    assert response.status_code == 400 and "Upload a PNG, JPEG, WebP image" in text(response)
    with site_a:
        assert not Course.objects.get(pk=world.a.course.pk).cover

    image = png_bytes()
    response = client.post(_course_url(world.a), _details(slug=world.a.slug, cover=SimpleUploadedFile(
        "photo.txt", image, content_type="text/plain")))
    assert response.status_code == 302
    with site_a:
        cover = Course.objects.get(pk=world.a.course.pk).cover
    assert cover.name.startswith("course-covers/cover-") and cover.name.endswith(".png")
    served = client.get(_course_url(world.a, "cover"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == image
    assert client_as(site_a, world.a.learner).get(_course_url(world.a, "cover")).status_code == 403

    settings.COURSE_COVER_MAX_BYTES = 20
    response = client.post(_course_url(world.a), _details(slug=world.a.slug, cover=SimpleUploadedFile("big.png", image)))
    assert response.status_code == 413 and "too large" in text(response)

    assert client.post(_course_url(world.a), _details(slug=world.a.slug, remove_cover="on")).status_code == 302
    with site_a:
        assert not Course.objects.get(pk=world.a.course.pk).cover
    assert client.get(_course_url(world.a, "cover")).status_code == 404


def test_markdown_preview_is_sanitised_and_for_editors_only(world, site_a):
    client = client_as(site_a, world.a.instructor)
    response = client.post(_course_url(world.a, "markdown-preview"), {"description": "# T\n<img src=x onerror=alert(1)>"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<h1>T</h1>" in response.content.decode() and "onerror" not in response.content.decode() and "<html" not in text(response)
    assert client_as(site_a, world.a.ta).post(_course_url(world.a, "markdown-preview"), {"body": "x"}).status_code == 403


# --- outline -------------------------------------------------------------------------------


def _titles(site, course):
    with site:
        return [(m.title, [lesson.title for lesson in m.lessons.all()])
                for m in Course.objects.get(pk=course.pk).modules.prefetch_related("lessons")]


def test_modules_and_lessons_add_rename_move_delete(site_a, admin_a):
    with site_a:
        course = build_course(author=admin_a, title="Outline", modules=2, lessons=2, items=1)
        m1, m2 = course.modules.all()
        l11, l12 = m1.lessons.all()
    client = client_as(site_a, admin_a)
    url = f"/studio/courses/{course.slug}/"

    response = client.post(url + "modules/add", {"title": "  Extra  "})
    assert response.status_code == 302 and response["Location"].startswith(url + "#module-")
    refused = client.post(url + "modules/add", {"title": ""})
    assert refused.status_code == 400 and "This field is required" in text(refused)
    assert client.post(url + f"modules/{m1.uuid}/rename", {"title": " "}).status_code == 400
    assert client.post(url + f"modules/{m1.uuid}/rename", {"title": "Basics"}).status_code == 302
    assert client.post(url + f"modules/{m2.uuid}/move", {"direction": "up"}).status_code == 302
    assert client.post(url + f"modules/{m2.uuid}/move", {"direction": "up"}).status_code == 302  # already first
    assert client.post(url + f"modules/{m2.uuid}/move", {"direction": "sideways"}).status_code == 400
    assert [t for t, _ in _titles(site_a, course)] == ["Module 2", "Basics", "Extra"]

    response = client.post(url + f"lessons/{l11.uuid}/move", {"direction": "down"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="outline"' in text(response) and "<html" not in text(response)
    assert _titles(site_a, course)[1] == ("Basics", ["Lesson 1.2", "Lesson 1.1"])

    response = client.post(url + f"modules/{m1.uuid}/lessons/add", {"title": "Wrap-up"})
    assert response.status_code == 302 and "/lessons/" in response["Location"]
    assert client.post(url + f"lessons/{l12.uuid}/rename", {"title": "Intro"}).status_code == 302
    assert client.post(url + f"lessons/{l11.uuid}/delete").status_code == 302
    assert _titles(site_a, course)[1] == ("Basics", ["Intro", "Wrap-up"])
    assert client.post(url + f"modules/{m2.uuid}/delete").status_code == 302
    assert _titles(site_a, course) == [("Basics", ["Intro", "Wrap-up"]), ("Extra", [])]
    with site_a:
        assert not ContentItem.objects.filter(lesson__module__uuid=m2.uuid).exists()


def _lesson_page(site, admin, **kwargs):
    with site:
        course = build_course(author=admin, title="Items", items=0, **kwargs)
        lesson = course.modules.get().lessons.get()
    return course, lesson, f"/studio/courses/{course.slug}/"


def test_content_items_of_every_plain_kind(site_a, admin_a, settings):
    course, lesson, url = _lesson_page(site_a, admin_a)
    client = client_as(site_a, admin_a)
    add = url + f"lessons/{lesson.uuid}/items/add"
    assert client.post(add, {"kind": "text", "title": "Read me", "body": "Some **text**"}).status_code == 302
    assert client.post(add, {"kind": "video", "title": "Watch", "url": "https://youtu.be/dQw4w9WgXcQ"}).status_code == 302
    assert client.post(add, {"kind": "link", "title": "Docs", "url": "https://docs.example.org/"}).status_code == 302
    upload = SimpleUploadedFile("../../Slides 1.pdf", b"%PDF-1.4 slides", content_type="application/pdf")
    assert client.post(add, {"kind": "file", "title": "Slides", "file": upload}).status_code == 302

    for data, message in [
        ({"kind": "link", "title": "Bad", "url": "javascript:alert(1)"}, "Enter a valid URL"),
        ({"kind": "link", "title": "Bad", "url": "ftp://files.example.org/x"}, "http:// or https://"),
        ({"kind": "video", "title": "No URL", "url": ""}, "Enter the video's address"),
        ({"kind": "file", "title": "No file"}, "Choose a file"),
        ({"kind": "text", "title": ""}, "This field is required"),
        ({"kind": "sticker", "title": "What"}, "Choose a kind of content"),
    ]:
        response = client.post(add, data)
        assert response.status_code == 400, data
        assert message in text(response), data
    settings.COURSE_FILE_MAX_BYTES = 10
    response = client.post(add, {"kind": "file", "title": "Huge", "file": SimpleUploadedFile("big.bin", b"x" * 11)})
    assert response.status_code == 413 and "too large" in text(response)

    with site_a:
        items = list(lesson.items.order_by("position"))
    assert [(i.kind, i.title) for i in items] == [("text", "Read me"), ("video", "Watch"), ("link", "Docs"), ("file", "Slides")]
    text_item, video, _link, file_item = items
    assert file_item.file.name.startswith("course-files/") and file_item.file.name.endswith("Slides_1.pdf")
    download = client.get(url + f"items/{file_item.uuid}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 slides"
    assert 'attachment; filename="Slides_1.pdf"' in download["Content-Disposition"]

    page = text(client.get(url + f"lessons/{lesson.uuid}/"))
    assert all(t in page for t in ("Read me", "Watch", "Docs", "Slides"))

    assert client.post(url + f"items/{text_item.uuid}/", {"title": "Read me first", "body": "New body"}).status_code == 302
    assert client.post(url + f"items/{video.uuid}/", {"title": "Watch", "url": "notaurl"}).status_code == 400
    assert client.post(url + f"items/{file_item.uuid}/", {"title": "Slides v2"}).status_code == 302  # keeps its file
    response = client.post(url + f"items/{video.uuid}/move", {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="items"' in text(response)
    assert client.post(url + f"items/{_link.uuid}/delete").status_code == 302
    with site_a:
        items = list(lesson.items.order_by("position"))
    assert [(i.title, i.body) for i in items][:2] == [("Watch", ""), ("Read me first", "New body")]
    assert [i.title for i in items] == ["Watch", "Read me first", "Slides v2"]
    assert items[2].file.name == file_item.file.name


def test_quiz_item_gets_a_draft_from_its_app_and_links_to_its_editor(site_a, admin_a):
    from lms.quizzes.models import Quiz

    course, lesson, url = _lesson_page(site_a, admin_a)
    client = client_as(site_a, admin_a)
    response = client.post(url + f"lessons/{lesson.uuid}/items/add", {"kind": "quiz", "title": "Check"})
    with site_a:
        item = lesson.items.get()
        quiz = Quiz.objects.get(uuid=item.ref_uuid)
    editor = f"/studio/courses/{course.slug}/quizzes/{quiz.uuid}/"
    assert response.status_code == 302 and response["Location"] == editor
    assert (item.kind, quiz.title, quiz.course_id) == ("quiz", "Check", course.pk)
    assert editor in text(client.get(url + f"lessons/{lesson.uuid}/"))
    assert editor in text(client.get(url + f"items/{item.uuid}/"))


# --- publishing, history, rollback ---------------------------------------------------------


def test_publish_page_shows_problems_and_refuses_until_fixed(site_a, admin_a):
    with site_a:
        course = services.course_create(author=admin_a, title="Unfinished")
    client = client_as(site_a, admin_a)
    url = f"/studio/courses/{course.slug}/publish/"
    page = client.get(url)
    assert "Add at least one module." in text(page)
    assert '<button type="submit" disabled' in text(page)
    refused = client.post(url, {"change_note": "too early"})
    assert refused.status_code == 400 and "Add at least one module." in text(refused)

    with site_a:
        module = services.module_create(course=course, title="M")
        lesson = services.lesson_create(module=module, title="L")
        item = services.item_create(lesson=lesson, kind="text", title="Empty page")
    assert "Text “Empty page” in lesson “L” is empty." in text(client.get(url))
    with site_a:
        services.item_update(item=item, body="Now with words")
        assert not course.versions.exists()
    page = text(client.get(url))
    assert "Fix these" not in page and "First version" in page and "Empty page" in page
    response = client.post(url, {"change_note": "First release"})
    assert response.status_code == 302 and response["Location"] == f"/studio/courses/{course.slug}/history/"
    with site_a:
        course.refresh_from_db()
        assert course.published_version.number == 1 and course.published_version.change_note == "First release"
    history = text(client.get(response["Location"]))
    assert "First release" in history and admin_a.get_full_name() in history and "Live" in history


def test_rollback_and_unpublish_through_the_pages(site_a, admin_a):
    learner = site_a.make_user("learner")
    with site_a:
        course = build_published_course(author=admin_a, title="History")
        services.enrollment_create(course=course, learner=learner)
        lesson = course.modules.get().lessons.get()
        services.item_create(lesson=lesson, kind="link", title="Extra link", url="https://example.org/")
    client = client_as(site_a, admin_a)
    base = f"/studio/courses/{course.slug}/"
    assert client.post(base + "publish/", {"change_note": "Add a link"}).status_code == 302
    history = text(client.get(base + "history/"))
    assert "Items added: Extra link" in history and history.count("Roll back to this version") == 1

    assert client.post(base + "rollback", {"version": "1"}).status_code == 302
    with site_a:
        course.refresh_from_db()
        v3 = course.published_version
        assert (v3.number, v3.rolled_back_from) == (3, 1)
        assert not lesson.items.filter(title="Extra link").exists()
    history = text(client.get(base + "history/"))
    assert "copy of v1" in history and "Items removed: Extra link" in history and "Rolled back to version 1" in history

    refused = client.post(base + "rollback", {"version": "99"})
    assert refused.status_code == 400 and "Version 99 does not exist." in text(refused)
    assert client.post(base + "rollback", {"version": "x"}).status_code == 400

    assert client.post(base + "unpublish").status_code == 302
    with site_a:
        course.refresh_from_db()
        assert not course.is_published and course.versions.count() == 3
        assert Enrollment.objects.filter(course=course, learner=learner).exists()
    assert "Not published" in text(client.get(base + "history/"))


# --- course staff --------------------------------------------------------------------------


def test_staff_page_adds_changes_and_removes_staff(world, site_a):
    o = world.a
    client = client_as(site_a, o.instructor)
    url = _course_url(o, "staff/")
    page = text(client.get(url))
    assert o.instructor.email in page and o.ta.email in page and "Teaching assistant" in page

    assert client_as(site_a, o.other_instructor).get(_course_url(o)).status_code == 404
    response = client.post(url, {"email": o.other_instructor.email.upper(), "course_role": "teaching_assistant"})
    assert response.status_code == 302
    other = client_as(site_a, o.other_instructor)
    assert other.get(_course_url(o)).status_code == 200
    assert other.post(_course_url(o, "modules/add"), {"title": "x"}).status_code == 403
    assert client.post(url, {"email": o.other_instructor.email, "course_role": "instructor"}).status_code == 302
    assert other.post(_course_url(o, "modules/add"), {"title": "Now allowed"}).status_code == 302

    for data, message in [
        ({"email": o.learner.email, "course_role": "instructor"}, "is not an instructor or teaching assistant"),
        ({"email": "nobody@example.org", "course_role": "instructor"}, "No active member"),
        ({"email": o.ta.email, "course_role": "owner"}, "Select a valid choice"),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400 and message in text(response), data

    assert client.post(_course_url(o, f"staff/{o.other_instructor.profile.public_id}/remove")).status_code == 302
    assert other.get(_course_url(o)).status_code == 404
    assert client.post(_course_url(o, f"staff/{o.learner.profile.public_id}/remove")).status_code == 404
    with site_a:
        assert [u.email for u, _ in permissions.course_staff(o.course)] == sorted([o.instructor.email, o.ta.email])


# --- draft preview -------------------------------------------------------------------------


def test_draft_preview_shows_the_draft_to_staff_sanitised(world, site_a):
    with site_a:
        item = ContentItem.objects.get(uuid=world.a.item_id)
        services.item_update(item=item, body=f"{world.a.secret} **bold** <script>alert(1)</script>")
    for user in (world.a.instructor, world.a.ta, world.a.admin):
        page = client_as(site_a, user).get(_course_url(world.a, "preview/")).content.decode()
        assert world.a.secret in page and "<strong>bold</strong>" in page and "<script>alert" not in page
        assert "Draft preview" in page


# --- query counts --------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_editor_and_preview_queries_do_not_grow_with_the_outline(site_a, admin_a):
    with site_a:
        small = build_course(author=admin_a, title="Small", modules=1, lessons=1, items=1)
        large = build_course(author=admin_a, title="Large", modules=4, lessons=3, items=3)
    client = client_as(site_a, admin_a)
    client.get("/studio/")  # warm the per-site caches (site settings) first
    for page in ("", "preview/"):
        assert _queries(client, f"/studio/courses/{small.slug}/{page}") == _queries(client, f"/studio/courses/{large.slug}/{page}")
    assert _queries(client, "/studio/") > 0
