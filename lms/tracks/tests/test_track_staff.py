"""Tracks authorise by object (track instructor / track TA), and learners only see published courses."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.courses.tests.factories import build_course, build_published_course
from lms.tracks import permissions, services
from lms.tracks.models import StepSubmission
from lms.tracks.tests.test_tracks import world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed_in(site_a, world):  # noqa: F811
    """The learner finished the course and handed in a file for the project's file step."""
    w = world
    with site_a:
        services.track_update(track=w["track"], actor=w["instructor"], free_order=True)
        services.track_enroll(track=w["track"], learner=w["learner"])
        submission = services.step_submit(step=w["step2"], learner=w["learner"],
                                          file=SimpleUploadedFile("report.txt", b"my report, in plain text"))
    return submission


def test_another_instructor_cannot_edit_publish_or_review_the_track(site_a, world, handed_in):  # noqa: F811
    other = site_a.make_user(role="instructor")
    client = site_a.client(other)
    slug = world["track"].slug
    assert client.get(f"/studio/tracks/{slug}/").status_code == 404
    assert client.post(f"/studio/tracks/{slug}/", {"action": "details", "title": "Hijacked"}).status_code == 404
    assert client.get(f"/studio/tracks/{slug}/projects/{world['project_item'].project.uuid}/").status_code == 404
    assert client.post(f"/studio/tracks/review/{handed_in.uuid}/", {"decision": "accept"}).status_code == 404
    assert client.get(f"/track-submissions/{handed_in.uuid}/file").status_code == 404
    assert b"Report" not in client.get("/studio/tracks/review/").content
    with site_a:
        with pytest.raises(PermissionDenied):
            services.track_update(track=world["track"], actor=other, title="Hijacked")
        with pytest.raises(PermissionDenied):
            services.step_review(submission=handed_in, reviewer=other, accepted=True)
        handed_in.refresh_from_db()
        assert handed_in.status == StepSubmission.Status.SUBMITTED
        world["track"].refresh_from_db()
        assert world["track"].title == "Data Path"


def test_track_ta_reviews_and_downloads_but_cannot_edit(site_a, world, handed_in):  # noqa: F811
    ta = site_a.make_user(role="teaching_assistant")
    with site_a:
        permissions.track_role_assign(track=world["track"], user=ta, track_role="teaching_assistant")
    client = site_a.client(ta)
    assert b"Report" in client.get("/studio/tracks/review/").content
    assert client.get(f"/track-submissions/{handed_in.uuid}/file").status_code == 200
    assert client.post(f"/studio/tracks/review/{handed_in.uuid}/", {"decision": "accept"}).status_code == 302
    with site_a:
        handed_in.refresh_from_db()
        assert handed_in.status == StepSubmission.Status.ACCEPTED and handed_in.reviewed_by_id == ta.pk
    assert client.get(f"/studio/tracks/{world['track'].slug}/").status_code == 404


def test_a_disguised_file_deliverable_is_refused(site_a, world):  # noqa: F811
    with site_a:
        services.track_update(track=world["track"], actor=world["instructor"], free_order=True)
        services.track_enroll(track=world["track"], learner=world["learner"])
        with pytest.raises(ValidationError, match="type we accept"):
            services.step_submit(step=world["step2"], learner=world["learner"],
                                 file=SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" * 50))


def test_learners_see_the_published_title_never_the_draft(site_a, world):  # noqa: F811
    with site_a:
        course = world["course"]
        type(course).objects.filter(pk=course.pk).update(title="Secret draft rename")
    page = site_a.client(world["learner"]).get(f"/tracks/{world['track'].slug}/")
    assert b"Foundations" in page.content and b"Secret draft rename" not in page.content
    api = site_a.client(world["learner"]).get(f"/api/v1/tracks/{world['track'].slug}")
    assert api.status_code == 200 and "Secret draft rename" not in api.content.decode()


def test_a_course_with_no_published_version_cannot_be_added(site_a, world):  # noqa: F811
    with site_a:
        draft = build_course(author=world["instructor"], title="Only a draft")
        with pytest.raises(ValidationError, match="no published version"):
            services.track_add_course(track=world["track"], course=draft, actor=world["instructor"])
    response = site_a.client(world["instructor"]).post(
        f"/studio/tracks/{world['track'].slug}/", {"action": "add_course", "course": "only-a-draft"}, follow=True)
    assert b"no published version" in response.content


def test_a_course_locked_in_a_followed_track_cannot_be_enrolled_from_its_page(site_a, world):  # noqa: F811
    with site_a:
        first = build_published_course(author=world["instructor"], title="Step one", items=1)
        second = build_published_course(author=world["instructor"], title="Step two", items=1)
        track = services.track_create(author=world["instructor"], title="Ordered path")
        services.track_add_course(track=track, course=first, actor=world["instructor"])
        services.track_add_course(track=track, course=second, actor=world["instructor"])
        services.track_update(track=track, actor=world["instructor"], is_published=True)
        services.track_enroll(track=track, learner=world["learner"])
    client = site_a.client(world["learner"])
    page = client.get(f"/courses/{second.slug}/").content.decode()
    assert "Locked." in page and "Step one" in page and "Ordered path" in page
    assert f'action="/courses/{second.slug}/enroll"' not in page
    client.post(f"/courses/{second.slug}/enroll")
    api = client.post(f"/api/v1/courses/{second.slug}/enroll", content_type="application/json")
    assert api.status_code == 400 and "Ordered path" in api.json()["message"]
    with site_a:
        assert not second.enrollments.filter(learner=world["learner"]).exists()
    # the first course is open, and a learner outside the track is not held back
    assert "Locked." not in client.get(f"/courses/{first.slug}/").content.decode()
    outsider = site_a.make_user(role="learner")
    assert "Locked." not in site_a.client(outsider).get(f"/courses/{second.slug}/").content.decode()


def test_nul_and_oversize_track_text_is_a_message_not_a_500(site_a, world, handed_in):  # noqa: F811
    client = site_a.client(world["instructor"])
    slug = world["track"].slug
    for title in ("bad\x00title", "T" * 201):
        response = client.post("/studio/tracks/", {"title": title}, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"]), title
        response = client.post(f"/studio/tracks/{slug}/", {"action": "add_project", "title": title}, follow=True)
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"]), title
    response = client.post(f"/studio/tracks/review/{handed_in.uuid}/", {"decision": "accept", "feedback": "a\x00b"},
                           follow=True)
    assert response.status_code == 200 and b"NUL" in response.content
    with site_a:
        handed_in.refresh_from_db()
        assert handed_in.status == StepSubmission.Status.SUBMITTED
        with pytest.raises(ValidationError) as exc:
            services.track_update(track=world["track"], actor=world["instructor"], description="x\x00")
        assert "description" in exc.value.message_dict
