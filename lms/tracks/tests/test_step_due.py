"""Project-step due dates: set in the studio (page and API), shown in the joined learners' calendar and
iCal feed (SEQUENCE grows when moved), reminded of to those who have not handed the step in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from lms.courses.tests.factories import build_published_course
from lms.tracks import services
from lms.tracks.models import ProjectStep
from tenant_apps.calendar.reminders import deadline_reminders_send
from tenant_apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _due(days: int = 3):
    return (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner, done, outsider = (site_a.make_user(role="learner") for _ in range(3))
    due = _due()
    with site_a:
        course = build_published_course(author=instructor, title="Foundations", items=1)
        track = services.track_create(author=instructor, title="Data Path", free_order=True)
        services.track_add_course(track=track, course=course, actor=instructor)
        project = services.track_add_project(track=track, title="Capstone", actor=instructor).project
        step = services.project_step_add(project=project, title="Repo", instructions="Link it", deliverable="url",
                                         actor=instructor, due_at=due)
        services.track_update(track=track, actor=instructor, is_published=True)
        for person in (learner, done):
            services.track_enroll(track=track, learner=person)
        services.step_submit(step=step, learner=done, url="https://git.example.org/me")
    return dict(instructor=instructor, learner=learner, done=done, outsider=outsider, track=track, project=project,
                step=step, due=due)


def _uids(client) -> set[str]:
    response = client.get("/api/v1/calendar")
    assert response.status_code == 200, response.content
    return {e["uid"] for e in response.json()["results"]}


def test_joined_learners_see_the_step_in_their_calendar_only(site_a, world):
    uid = f"project-step-{world['step'].uuid}"
    assert uid in _uids(site_a.client(world["learner"]))
    assert uid not in _uids(site_a.client(world["outsider"]))
    entry = next(e for e in site_a.client(world["learner"]).get("/api/v1/calendar").json()["results"] if e["uid"] == uid)
    assert entry["kind"] == "project_step" and entry["context"] == "Data Path" and "Capstone: Repo" == entry["title"]
    page = site_a.client(world["learner"]).get(f"/tracks/{world['track'].slug}/projects/{world['project'].uuid}/")
    assert page.status_code == 200 and "Due " in page.content.decode()


def test_feed_moves_the_step_and_raises_its_sequence(site_a, world):
    client = site_a.client(world["learner"])
    path = client.post("/api/v1/calendar/feed-token").json()["url"].split(site_a.host, 1)[1]
    uid = f"project-step-{world['step'].uuid}@{site_a.host}"
    event = {str(e["UID"]): e for e in Calendar.from_ical(site_a.client().get(path).content).walk("VEVENT")}[uid]
    assert event.decoded("DTSTART") == world["due"] and str(event["SUMMARY"]).startswith("Due: Capstone: Repo")
    later = world["due"] + timedelta(days=2)
    staff = site_a.client(world["instructor"])
    response = staff.patch(f"/api/v1/studio/tracks/{world['track'].slug}/projects/{world['project'].uuid}/steps/"
                           f"{world['step'].uuid}", {"due_at": later.isoformat()}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["due_sequence"] == 1
    moved = {str(e["UID"]): e for e in Calendar.from_ical(site_a.client().get(path).content).walk("VEVENT")}[uid]
    assert moved.decoded("DTSTART") == later and int(moved["SEQUENCE"]) > int(event["SEQUENCE"])


def test_studio_page_sets_and_clears_a_due_date(site_a, world):
    staff = site_a.client(world["instructor"])
    url = f"/studio/tracks/{world['track'].slug}/projects/{world['project'].uuid}/"
    assert staff.get(url).status_code == 200
    response = staff.post(url, {"action": "due", "step": str(world["step"].uuid), "due_at": "2031-05-04T10:30"})
    assert response.status_code == 302
    with site_a:
        step = ProjectStep.objects.get(pk=world["step"].pk)
        assert timezone.localtime(step.due_at).strftime("%Y-%m-%d %H:%M") == "2031-05-04 10:30" and step.due_sequence == 1
    staff.post(url, {"action": "due", "step": str(world["step"].uuid), "due_at": ""})
    with site_a:
        assert ProjectStep.objects.get(pk=world["step"].pk).due_at is None
    # a bad date is a message, not a 500; an unknown step is a 404
    assert staff.post(url, {"action": "due", "step": str(world["step"].uuid), "due_at": "soon"}).status_code == 302
    assert staff.post(url, {"action": "due", "step": "not-a-uuid", "due_at": ""}).status_code == 404
    added = staff.post(url, {"title": "Demo", "deliverable": "text", "due_at": "2031-06-01T09:00"})
    assert added.status_code == 302
    with site_a:
        assert ProjectStep.objects.get(project=world["project"], title="Demo").due_at is not None


def test_api_refuses_strangers_and_bad_dates(site_a, world):
    base = f"/api/v1/studio/tracks/{world['track'].slug}/projects/{world['project'].uuid}/steps"
    assert site_a.client(world["learner"]).get(base).status_code == 404
    staff = site_a.client(world["instructor"])
    assert staff.get(base).json()[0]["due_at"] is not None
    bad = staff.patch(f"{base}/{world['step'].uuid}", {"due_at": "soon"}, content_type="application/json")
    assert bad.status_code == 400
    made = staff.post(base, {"title": "Slides", "deliverable": "file", "due_at": None}, content_type="application/json")
    assert made.status_code == 201 and made.json()["due_at"] is None


def test_step_reminders_skip_who_handed_in(site_a, world, django_capture_on_commit_callbacks):
    with site_a, django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send(now=world["due"] - timedelta(hours=5)) == 1
        assert deadline_reminders_send(now=world["due"] - timedelta(hours=4)) == 0
        assert Notification.objects.filter(event_key="deadline_reminder", user=world["learner"]).count() == 1
        assert not Notification.objects.filter(event_key="deadline_reminder", user__in=[world["done"], world["outsider"]]).exists()
