import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.courses.tests.factories import build_published_course
from lms.tracks import selectors, services
from lms.tracks.models import StepSubmission, TrackEnrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course = build_published_course(author=instructor, title="Foundations", items=1)
        track = services.track_create(author=instructor, title="Data Path")
        course_item = services.track_add_course(track=track, course=course, actor=instructor)
        project_item = services.track_add_project(track=track, title="Capstone", actor=instructor)
        step1 = services.project_step_add(project=project_item.project, title="Repo", instructions="Link it",
                                          deliverable="url", actor=instructor)
        step2 = services.project_step_add(project=project_item.project, title="Report", instructions="Write",
                                          deliverable="file", actor=instructor)
        services.track_update(track=track, actor=instructor, is_published=True)
    return dict(instructor=instructor, learner=learner, course=course, track=track, course_item=course_item,
                project_item=project_item, step1=step1, step2=step2)


def test_items_unlock_in_order_and_project_states_progress(site_a, world):
    w = world
    with site_a:
        services.track_enroll(track=w["track"], learner=w["learner"])
        states = selectors.track_states(track=w["track"], learner=w["learner"])
        assert states[w["course_item"].pk] == "unlocked" and states[w["project_item"].pk] == "locked"
        with pytest.raises(ValidationError, match="locked"):
            services.step_submit(step=w["step1"], learner=w["learner"], url="https://git.example.org/me")
        enrollment = services.track_start_course(item=w["course_item"], learner=w["learner"])
        assert selectors.track_states(track=w["track"], learner=w["learner"])[w["course_item"].pk] == "in_progress"
        course_services.progress_item_complete(enrollment=enrollment,
                                               item_uuid=course_services.snapshot_item_uuids(enrollment.version.snapshot)[0])
        states = selectors.track_states(track=w["track"], learner=w["learner"])
        assert states[w["course_item"].pk] == "completed" and states[w["project_item"].pk] == "unlocked"
        s1 = services.step_submit(step=w["step1"], learner=w["learner"], url="https://git.example.org/me")
        assert selectors.track_states(track=w["track"], learner=w["learner"])[w["project_item"].pk] == "in_progress"
        s2 = services.step_submit(step=w["step2"], learner=w["learner"],
                                  file=SimpleUploadedFile("report.txt", b"my report"))
        assert selectors.track_states(track=w["track"], learner=w["learner"])[w["project_item"].pk] == "submitted"
        services.step_review(submission=s1, reviewer=w["instructor"], accepted=True)
        services.step_review(submission=s2, reviewer=w["instructor"], accepted=True, feedback="Nice")
        assert selectors.track_states(track=w["track"], learner=w["learner"])[w["project_item"].pk] == "graded"


def test_free_order_unlocks_everything(site_a, world):
    with site_a:
        services.track_update(track=world["track"], actor=world["instructor"], free_order=True)
        states = selectors.track_states(track=world["track"], learner=world["learner"])
        assert set(states.values()) == {"unlocked"}


def test_learner_cannot_author_and_deliverables_are_validated(site_a, world):
    with site_a:
        with pytest.raises(PermissionDenied):
            services.track_create(author=world["learner"], title="Mine")
        services.track_update(track=world["track"], actor=world["instructor"], free_order=True)
        services.track_enroll(track=world["track"], learner=world["learner"])
        with pytest.raises(ValidationError, match="link"):
            services.step_submit(step=world["step1"], learner=world["learner"], url="")


def test_pages_journey_and_staff_review(site_a, world):
    learner_client = site_a.client(world["learner"])
    slug = world["track"].slug
    assert b"Data Path" in learner_client.get("/tracks/").content
    page = learner_client.get(f"/tracks/{slug}/")
    assert page.status_code == 200 and b"Join this track" in page.content and b"Locked" in page.content
    assert learner_client.post(f"/tracks/{slug}/join/").status_code == 302
    response = learner_client.post(f"/tracks/{slug}/items/{world['course_item'].uuid}/start/")
    assert response.status_code == 302
    with site_a:
        assert Enrollment.objects.filter(learner=world["learner"], course=world["course"]).exists()
    project_url = f"/tracks/{slug}/projects/{world['project_item'].project.uuid}/"
    assert b"Finish the previous item" in learner_client.get(project_url).content
    # staff pages: learners get 403, instructors 200
    assert learner_client.get("/studio/tracks/").status_code == 403
    staff = site_a.client(world["instructor"])
    assert staff.get(f"/studio/tracks/{slug}/").status_code == 200
    assert staff.get("/studio/tracks/review/").status_code == 200


def test_submission_files_only_for_owner_and_staff(site_a, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    other = site_a.make_user(role="learner")
    with site_a:
        services.track_update(track=world["track"], actor=world["instructor"], free_order=True)
        services.track_enroll(track=world["track"], learner=world["learner"])
        sub = services.step_submit(step=world["step2"], learner=world["learner"],
                                   file=SimpleUploadedFile("report.txt", b"secret report"))
    url = f"/track-submissions/{sub.uuid}/file"
    response = site_a.client(world["learner"]).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"secret report"
    assert site_a.client(world["instructor"]).get(url).status_code == 200
    assert site_a.client(other).get(url).status_code == 404


def test_api_detail_join_and_submit(site_a, world):
    client = site_a.client(world["learner"])
    slug = world["track"].slug
    listing = client.get("/api/v1/tracks").json()
    assert [t["slug"] for t in listing["results"]] == [slug]
    assert client.post(f"/api/v1/tracks/{slug}/join").status_code == 201
    detail = client.get(f"/api/v1/tracks/{slug}").json()
    assert [i["state"] for i in detail["items"]] == ["unlocked", "locked"]
    submit = f"/api/v1/tracks/{slug}/projects/{world['project_item'].project.uuid}/steps/{world['step1'].uuid}/submissions"
    locked = client.post(submit, {"url": "https://x.example.org"}, content_type="application/json")
    assert locked.status_code == 400 and "locked" in locked.json()["message"]
    with site_a:
        services.track_update(track=world["track"], actor=world["instructor"], free_order=True)
    ok = client.post(submit, {"url": "https://x.example.org"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["status"] == "submitted"


def test_foreign_tenant_cannot_see_or_join(site_a, site_b, world):
    outsider = site_b.make_user(role="learner")
    foreign = site_a.client()
    foreign.cookies = site_b.client(outsider).cookies
    slug = world["track"].slug
    assert foreign.post(f"/tracks/{slug}/join/").status_code == 302  # to the login page: B's session is nobody here
    with site_a:
        assert not TrackEnrollment.objects.filter(track=world["track"]).exists()
    assert site_b.client(outsider).get(f"/tracks/{slug}/").status_code == 404
    assert site_b.client(outsider).get(f"/api/v1/tracks/{slug}").status_code == 404
    with site_a:
        assert StepSubmission.objects.count() == 0


def test_dashboard_shows_track_states(site_a, world):
    with site_a:
        services.track_enroll(track=world["track"], learner=world["learner"])
    page = site_a.client(world["learner"]).get("/dashboard/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "My tracks" in body and "Data Path" in body and "Locked" in body and "Not started" in body


def test_items_move_up_and_down(site_a, world):
    with site_a:
        services.track_item_move(item=world["project_item"], direction="up", actor=world["instructor"])
        assert [i.kind for i in world["track"].items.order_by("position")] == ["project", "course"]
        services.track_item_move(item=world["project_item"], direction="down", actor=world["instructor"])
        assert [i.kind for i in world["track"].items.order_by("position")] == ["course", "project"]


def test_the_next_item_unlocked_is_notified_once(site_a, world, django_capture_on_commit_callbacks, mailoutbox):
    """Completing the course opens the project ("project_unlocked", once, in the bell and by email);
    grading that project opens the item after it; saving progress again tells nothing new."""
    from tenant_apps.notifications.models import Notification

    w = world
    with site_a:
        second = services.track_add_project(track=w["track"], title="Portfolio", actor=w["instructor"])
        services.track_enroll(track=w["track"], learner=w["learner"])
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = services.track_start_course(item=w["course_item"], learner=w["learner"])
            uuid = course_services.snapshot_item_uuids(enrollment.version.snapshot)[0]
            course_services.progress_item_complete(enrollment=enrollment, item_uuid=uuid)
            course_services.progress_item_complete(enrollment=enrollment, item_uuid=uuid)  # again: nothing new opens
        told = list(Notification.objects.filter(user=w["learner"], event_key="project_unlocked").order_by("id"))
        assert len(told) == 1 and "Capstone" in told[0].body and "Data Path" in told[0].body
        assert told[0].url == f"/tracks/{w['track'].slug}/projects/{w['project_item'].project.uuid}/"
        s1 = services.step_submit(step=w["step1"], learner=w["learner"], url="https://git.example.org/me")
        s2 = services.step_submit(step=w["step2"], learner=w["learner"], file=SimpleUploadedFile("r.txt", b"report"))
        with django_capture_on_commit_callbacks(execute=True):
            services.step_review(submission=s1, reviewer=w["instructor"], accepted=True)
            assert Notification.objects.filter(event_key="project_unlocked").count() == 1  # one step left
            services.step_review(submission=s2, reviewer=w["instructor"], accepted=True)
        told = list(Notification.objects.filter(user=w["learner"], event_key="project_unlocked").order_by("id"))
        assert len(told) == 2 and "Portfolio" in told[1].body
        assert told[1].url == f"/tracks/{w['track'].slug}/projects/{second.project.uuid}/"
    unlocked = [m for m in mailoutbox if m.to == [w["learner"].email] and "is open to you now" in m.subject]
    assert [("Capstone" in m.subject, "Portfolio" in m.subject) for m in unlocked] == [(True, False), (False, True)]
    assert "Stop courses emails" in unlocked[0].body  # not mandatory: its category's unsubscribe link


def test_a_free_order_track_announces_no_unlock(site_a, world, django_capture_on_commit_callbacks):
    from tenant_apps.notifications.models import Notification

    w = world
    with site_a:
        services.track_update(track=w["track"], actor=w["instructor"], free_order=True)
        services.track_enroll(track=w["track"], learner=w["learner"])
        with django_capture_on_commit_callbacks(execute=True):
            enrollment = services.track_start_course(item=w["course_item"], learner=w["learner"])
            course_services.progress_item_complete(
                enrollment=enrollment, item_uuid=course_services.snapshot_item_uuids(enrollment.version.snapshot)[0])
        assert not Notification.objects.filter(event_key="project_unlocked").exists()
