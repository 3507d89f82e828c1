"""Live sessions: editors schedule them (page and API, https links only, bad input refused), only the
course's enrolled learners and staff see them (404 for anyone else), enrolled learners are told when one
is scheduled or moved and reminded an hour before, and the iCal feed carries them (SEQUENCE grows)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from icalendar import Calendar

from lms.courses import services as course_services
from lms.courses.tests.factories import build_published_course
from lms.live_sessions.models import LiveSession
from lms.live_sessions.services import live_session_create
from tenant_apps.calendar.reminders import deadline_reminders_send
from tenant_apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _at(days: int = 2, hour: int = 15):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    other_instructor = site_a.make_user(role="instructor")
    learner, outsider, dropped = (site_a.make_user(role="learner") for _ in range(3))
    with site_a:
        course = build_published_course(author=instructor, title="Engines", items=1)
        for person in (learner, dropped):
            course_services.enrollment_create(course=course, learner=person)
        course_services.enrollment_drop(enrollment=dropped.enrollments.get(course=course))
    return SimpleNamespace(instructor=instructor, other_instructor=other_instructor, learner=learner, outsider=outsider,
                           dropped=dropped, course=course)


def _schedule(site, world, capture, **fields) -> LiveSession:
    values = {"title": "Office hour", "starts_at": _at(), "ends_at": _at() + timedelta(hours=1),
              "join_url": "https://meet.example.org/engines"} | fields
    with site, capture(execute=True):
        return live_session_create(course=world.course, actor=world.instructor, **values)


def _bell(site, user, event="live_session_scheduled") -> list[str]:
    with site:
        return list(Notification.objects.filter(user=user, event_key=event).order_by("id").values_list("body", flat=True))


def test_studio_schedules_and_learners_are_told(site_a, world, django_capture_on_commit_callbacks):
    staff = site_a.client(world.instructor)
    base = f"/studio/courses/{world.course.slug}/live-sessions/"
    assert staff.get(base).status_code == 200
    assert f'href="{base}"' in staff.get(f"/studio/courses/{world.course.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(base, {"title": "Kick-off", "starts_at": "2031-03-02T10:00", "ends_at": "2031-03-02T11:00",
                                     "join_url": "https://meet.example.org/k", "description": "Bring questions"})
    assert response.status_code == 302, response.content.decode()
    with site_a:
        session = LiveSession.objects.get(course=world.course)
        assert session.created_by == world.instructor
    assert len(_bell(site_a, world.learner)) == 1 and "Kick-off" in _bell(site_a, world.learner)[0]
    assert _bell(site_a, world.dropped) == [] and _bell(site_a, world.outsider) == []
    # bad input: a form error, never a 500
    bad = staff.post(base, {"title": "X", "starts_at": "2031-03-02T10:00", "ends_at": "2031-03-02T09:00",
                            "join_url": "http://meet.example.org/k"})
    assert bad.status_code == 400 and "https" in bad.content.decode() and "end after" in bad.content.decode()
    # moving it tells them again
    edit = f"{base}{session.uuid}/"
    assert staff.get(edit).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        moved = staff.post(edit, {"title": "Kick-off", "starts_at": "2031-03-03T10:00", "ends_at": "2031-03-03T11:00",
                                  "join_url": "https://meet.example.org/k"})
    assert moved.status_code == 302
    assert len(_bell(site_a, world.learner)) == 2 and "moved" in _bell(site_a, world.learner)[1]
    with site_a:
        assert LiveSession.objects.get(pk=session.pk).sequence == 1
    assert staff.post(f"{edit}delete").status_code == 302
    with site_a:
        assert not LiveSession.objects.filter(pk=session.pk).exists()


def test_only_enrolled_learners_and_staff_see_sessions(site_a, world, django_capture_on_commit_callbacks):
    session = _schedule(site_a, world, django_capture_on_commit_callbacks)
    page = f"/courses/{world.course.slug}/live-sessions/"
    api = f"/api/v1/courses/{world.course.slug}/live-sessions"
    learner = site_a.client(world.learner)
    assert "Office hour" in learner.get(page).content.decode()
    assert "Office hour" in learner.get(page, HTTP_HX_REQUEST="true").content.decode()
    assert [s["id"] for s in learner.get(api).json()] == [str(session.uuid)]
    assert learner.get(f"{api}/{session.uuid}").status_code == 200
    assert 'hx-get="/courses/' in learner.get(f"/courses/{world.course.slug}/").content.decode()
    for person in (world.outsider, world.dropped, world.other_instructor):
        client = site_a.client(person)
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404
        assert client.get(f"{api}/{session.uuid}").status_code == 404
    assert site_a.client(world.instructor).get(api).status_code == 200
    # learners cannot schedule, move or cancel (404: they are not editors)
    assert learner.post(api, {}, content_type="application/json").status_code == 404
    assert learner.patch(f"{api}/{session.uuid}", {"title": "Mine"}, content_type="application/json").status_code == 404
    assert learner.delete(f"{api}/{session.uuid}").status_code == 404
    assert learner.get(f"/studio/courses/{world.course.slug}/live-sessions/").status_code == 404
    # in the calendar of the learner, not of the outsider
    uid = f"live-session-{session.uuid}"
    assert uid in {e["uid"] for e in learner.get("/api/v1/calendar").json()["results"]}
    assert uid not in {e["uid"] for e in site_a.client(world.outsider).get("/api/v1/calendar").json()["results"]}


def test_api_schedules_moves_and_refuses_bad_input(site_a, world, django_capture_on_commit_callbacks):
    staff = site_a.client(world.instructor)
    api = f"/api/v1/courses/{world.course.slug}/live-sessions"
    start = _at(5)
    body = {"title": "Q&A", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(),
            "join_url": "https://meet.example.org/qa"}
    with django_capture_on_commit_callbacks(execute=True):
        made = staff.post(api, body, content_type="application/json")
    assert made.status_code == 201, made.content
    sid = made.json()["id"]
    assert staff.post(api, body | {"join_url": "http://meet.example.org/qa"}, content_type="application/json").status_code == 400
    assert staff.post(api, body | {"ends_at": start.isoformat()}, content_type="application/json").status_code == 400
    assert staff.post(api, body | {"join_url": "javascript:alert(1)"}, content_type="application/json").status_code == 400
    assert staff.patch(f"{api}/{sid}", {"ends_at": (start - timedelta(hours=1)).isoformat()},
                       content_type="application/json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        moved = staff.patch(f"{api}/{sid}", {"starts_at": (start + timedelta(days=1)).isoformat(),
                                             "ends_at": (start + timedelta(days=1, hours=1)).isoformat()},
                            content_type="application/json")
    assert moved.status_code == 200 and moved.json()["sequence"] == 1
    renamed = staff.patch(f"{api}/{sid}", {"title": "Q and A"}, content_type="application/json")
    assert renamed.json()["sequence"] == 1  # same times: calendars need not move it
    assert len(_bell(site_a, world.learner)) == 2
    assert staff.delete(f"{api}/{sid}").status_code == 204
    assert staff.get(f"{api}/{sid}").status_code == 404


def test_feed_has_the_session_and_its_sequence_grows_when_moved(site_a, world, django_capture_on_commit_callbacks):
    session = _schedule(site_a, world, django_capture_on_commit_callbacks)
    client = site_a.client(world.learner)
    path = client.post("/api/v1/calendar/feed-token").json()["url"].split(site_a.host, 1)[1]
    uid = f"live-session-{session.uuid}@{site_a.host}"
    event = {str(e["UID"]): e for e in Calendar.from_ical(site_a.client().get(path).content).walk("VEVENT")}[uid]
    assert event.decoded("DTSTART") == session.starts_at and event.decoded("DTEND") == session.ends_at
    assert str(event["LOCATION"]) == "https://meet.example.org/engines" and str(event["SUMMARY"]).startswith("Office hour")
    later = session.starts_at + timedelta(days=1)
    response = site_a.client(world.instructor).patch(
        f"/api/v1/courses/{world.course.slug}/live-sessions/{session.uuid}",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()}, content_type="application/json")
    assert response.status_code == 200
    moved = {str(e["UID"]): e for e in Calendar.from_ical(site_a.client().get(path).content).walk("VEVENT")}[uid]
    assert moved.decoded("DTSTART") == later and int(moved["SEQUENCE"]) > int(event["SEQUENCE"])


def test_reminded_an_hour_before_only(site_a, world, django_capture_on_commit_callbacks):
    session = _schedule(site_a, world, django_capture_on_commit_callbacks)
    with site_a, django_capture_on_commit_callbacks(execute=True):
        assert deadline_reminders_send(now=session.starts_at - timedelta(hours=20)) == 0  # no day-before for events
        assert deadline_reminders_send(now=session.starts_at - timedelta(minutes=55)) == 1
        assert deadline_reminders_send(now=session.starts_at - timedelta(minutes=50)) == 0
    bodies = _bell(site_a, world.learner, "deadline_reminder")
    assert len(bodies) == 1 and "Office hour" in bodies[0] and "starts in one hour" in bodies[0]
    assert _bell(site_a, world.dropped, "deadline_reminder") == []
