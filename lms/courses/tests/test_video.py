"""Video items (issue 12 item 6): YouTube and Vimeo play in privacy-enhanced embeds, uploaded
video files play in <video> from our storage (checked by content), and an address that is not
a video is refused where a video is asked for (form error on the page, 400 from the API)."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.courses import services
from lms.courses.tests.factories import build_course
from lms.courses.video import video_source
from tenant_apps.accounts.tests.manage_helpers import api_client, client_as, jwt_for, media_in_tmp, png_bytes, text  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.mark.parametrize(("url", "embed"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ("https://vimeo.com/channels/staffpicks/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
    ("https://player.vimeo.com/video/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
])
def test_embeds_are_privacy_enhanced(url, embed):
    assert video_source(url)["embed_url"] == embed


@pytest.mark.parametrize("url", [
    "https://example.org/about", "https://www.youtube.com/", "https://www.youtube.com/watch?v=<script>",
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "https://vimeo.com/about", "javascript:alert(1)",
    "https://cdn.example.org/slides.pdf",
])
def test_addresses_that_are_not_videos(url):
    assert video_source(url) is None


def _lesson(site, author):
    with site:
        course = build_course(author=author, title="Videos", items=0)
        lesson = course.modules.get().lessons.get()
    return course, lesson


def test_page_refuses_a_non_video_address_and_accepts_embeds_and_uploads(site_a, admin_a):
    course, lesson = _lesson(site_a, admin_a)
    client = client_as(site_a, admin_a)
    add = f"/studio/courses/{course.slug}/lessons/{lesson.uuid}/items/add"
    refused = client.post(add, {"kind": "video", "title": "Not a video", "url": "https://example.org/about"})
    assert refused.status_code == 400 and "This address is not a video" in text(refused)
    not_video_file = client.post(add, {"kind": "video", "title": "Png", "file": SimpleUploadedFile("clip.mp4", png_bytes())})
    assert not_video_file.status_code == 400 and "This file is not a video" in text(not_video_file)
    assert client.post(add, {"kind": "video", "title": "Tube", "url": "https://youtu.be/dQw4w9WgXcQ"}).status_code == 302
    assert client.post(add, {"kind": "video", "title": "Upload", "file": SimpleUploadedFile("clip.mp4", MP4)}).status_code == 302
    with site_a:
        tube = lesson.items.get(title="Tube")
    edit = client.post(f"/studio/courses/{course.slug}/items/{tube.uuid}/", {"title": "Tube", "url": "https://example.org/x"})
    assert edit.status_code == 400 and "This address is not a video" in text(edit)


def test_api_refuses_a_non_video_address(site_a, admin_a):
    course, lesson = _lesson(site_a, admin_a)
    api = api_client(site_a, jwt_for(site_a, admin_a.email))
    items = f"/api/v1/studio/courses/{course.slug}/lessons/{lesson.uuid}/items"
    refused = api.post(items, {"kind": "video", "title": "Nope", "url": "https://example.org/about"}, content_type="application/json")
    assert refused.status_code == 400 and "not a video" in refused.content.decode()
    ok = api.post(items, {"kind": "video", "title": "Vimeo", "url": "https://vimeo.com/76979871"}, content_type="application/json")
    assert ok.status_code == 201, ok.content


def test_player_embeds_and_plays_uploads_for_the_enrolled_only(site_a, site_b, admin_a):
    course, lesson = _lesson(site_a, admin_a)
    client = client_as(site_a, admin_a)
    add = f"/studio/courses/{course.slug}/lessons/{lesson.uuid}/items/add"
    client.post(add, {"kind": "video", "title": "Tube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})
    client.post(add, {"kind": "video", "title": "Vim", "url": "https://vimeo.com/76979871"})
    client.post(add, {"kind": "video", "title": "Upload", "file": SimpleUploadedFile("clip.mp4", MP4)})
    learner = site_a.make_user(role="learner")
    with site_a:
        services.course_publish(course=course, author=admin_a, change_note="v1")
        services.enrollment_create(course=course, learner=learner)
        uuids = {i.title: i.uuid for i in lesson.items.all()}
    me = site_a.client(learner)
    tube = text(me.get(f"/learn/{course.slug}/items/{uuids['Tube']}/"))
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in tube
    assert '<iframe src="https://player.vimeo.com/video/76979871?dnt=1"' in text(me.get(f"/learn/{course.slug}/items/{uuids['Vim']}/"))
    file_url = f"/learn/{course.slug}/items/{uuids['Upload']}/file"
    upload = text(me.get(f"/learn/{course.slug}/items/{uuids['Upload']}/"))
    assert f'<video controls preload="metadata" src="{file_url}"' in upload
    served = me.get(file_url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == MP4
    assert "attachment" not in served.get("Content-Disposition", "") and served["X-Content-Type-Options"] == "nosniff"
    assert site_a.client(site_a.make_user(role="learner")).get(file_url).status_code in (302, 403, 404)
    stranger = site_b.make_user(role="learner")
    assert site_b.client(stranger).get(file_url).status_code == 404
