"""The calendar: each source's entries for the right people only, the pages in the user's time zone,
the secret iCal feed (parses, follows a moved due date, dies when revoked), and the API."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from crowdfunding.tests.helpers import campaign_make, pledge_active
from lms.assignments.services import assignment_update
from lms.assignments.tests.helpers import course_with_assignment
from lms.courses import services as course_services

pytestmark = pytest.mark.django_db


def _due(days: int, hour: int = 12):
    return (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _learning_world(site):
    instructor = site.make_user(role="instructor")
    learner = site.make_user(role="learner")
    with site:
        mine, assignment, _ = course_with_assignment(author=instructor, title="Writing 101", due_at=_due(5))
        other, other_assignment, _ = course_with_assignment(author=instructor, title="Other course", due_at=_due(6))
        enrollment = course_services.enrollment_create(course=mine, learner=learner)
    return instructor, learner, mine, assignment, other_assignment, enrollment


def _api_entries(client, **params):
    response = client.get("/api/v1/calendar", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _feed(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    return Calendar.from_ical(response.content)


def _events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_enrolled_learner_sees_their_courses_deadlines_only(site_a):
    _, learner, _, assignment, other_assignment, _ = _learning_world(site_a)
    entries = _api_entries(site_a.client(learner))
    uids = {e["uid"] for e in entries}
    assert f"assignment-{assignment.uuid}" in uids
    assert f"assignment-{other_assignment.uuid}" not in uids
    entry = next(e for e in entries if e["uid"] == f"assignment-{assignment.uuid}")
    assert entry["kind"] == "assignment" and entry["is_deadline"] and entry["context"] == "Writing 101"
    assert entry["url"] == f"/learn/{assignment.course.slug}/assignment/{assignment.uuid}/"
    # a stranger to the course sees nothing of it
    assert _api_entries(site_a.client(site_a.make_user(role="learner"))) == []


def test_backer_sees_the_campaign_deadline_and_creator_too(site_a, admin_a):
    backer = site_a.make_user(role="learner")
    stranger = site_a.make_user(role="learner")
    with site_a:
        campaign = campaign_make(actor=admin_a, days=10, title="New lab")
        pledge_active(campaign=campaign, backer=backer)
    uid = f"campaign-{campaign.public_id}"
    assert uid in {e["uid"] for e in _api_entries(site_a.client(backer))}
    assert uid in {e["uid"] for e in _api_entries(site_a.client(admin_a))}
    assert uid not in {e["uid"] for e in _api_entries(site_a.client(stranger))}
    # and on the backer's "Upcoming" card, which the dashboard loads
    assert 'hx-get="/calendar/upcoming/"' in site_a.client(backer).get("/dashboard/").content.decode()
    card = site_a.client(backer).get("/calendar/upcoming/").content.decode()
    assert "New lab closes" in card and "Campaign" in card
    assert "New lab" not in site_a.client(stranger).get("/calendar/upcoming/").content.decode()


def test_range_is_checked(site_a):
    client = site_a.client(site_a.make_user(role="learner"))
    assert client.get("/api/v1/calendar", {"start": "2030-01-10T00:00:00Z", "end": "2030-01-01T00:00:00Z"}).status_code == 400
    assert client.get("/api/v1/calendar", {"start": "2030-01-01T00:00:00Z", "end": "2032-01-01T00:00:00Z"}).status_code == 400
    assert client.get("/api/v1/calendar", {"start": "yesterday"}).status_code == 400
    assert site_a.client().get("/api/v1/calendar").status_code in (401, 403)


def test_feed_parses_and_follows_a_moved_due_date(site_a):
    instructor, learner, course, assignment, _, enrollment = _learning_world(site_a)
    client = site_a.client(learner)
    made = client.post("/api/v1/calendar/feed-token")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("http://") and url.endswith(".ics")
    path = url.split(site_a.host, 1)[1]
    anonymous = site_a.client()
    first = _events(_feed(anonymous, path))
    uid = f"assignment-{assignment.uuid}@{site_a.host}"
    event = first[uid]
    assert event.decoded("DTSTART") == _due(5) and "DTSTAMP" in event and "LAST-MODIFIED" in event
    assert str(event["URL"]).endswith(f"/learn/{course.slug}/assignment/{assignment.uuid}/")
    assert str(event["SUMMARY"]).startswith("Due: ")
    before_sequence = int(event["SEQUENCE"])

    # staff move the due date and publish; the learner moves to the new version
    with site_a:
        assignment_update(assignment=assignment, due_at=_due(9))
        course_services.course_publish(course=course, author=instructor, change_note="later due date")
        course.refresh_from_db()
        course_services.enrollment_move_to_version(enrollment=enrollment, version=course.published_version)
    moved = _events(_feed(anonymous, path))[uid]
    assert moved.decoded("DTSTART") == _due(9)
    assert int(moved["SEQUENCE"]) > before_sequence
    assert moved.decoded("LAST-MODIFIED") >= event.decoded("LAST-MODIFIED")


def test_regenerated_or_revoked_token_is_404(site_a):
    learner = site_a.make_user(role="learner")
    client = site_a.client(learner)
    old = client.post("/api/v1/calendar/feed-token").json()["url"].split(site_a.host, 1)[1]
    assert site_a.client().get(old).status_code == 200
    page = client.post("/calendar/feed-token/")
    assert page.status_code == 200 and ".ics" in page.content.decode()
    assert site_a.client().get(old).status_code == 404
    new = re.search(r'value="(http[^"]+\.ics)"', page.content.decode()).group(1).split(site_a.host, 1)[1]
    assert site_a.client().get(new).status_code == 200
    assert client.post("/calendar/feed-token/revoke/").status_code == 302
    assert site_a.client().get(new).status_code == 404
    assert site_a.client().get("/calendar/feed/not-a-token.ics").status_code == 404


def test_only_the_hash_is_stored(site_a):
    from tenant_apps.calendar.models import FeedToken

    learner = site_a.make_user(role="learner")
    token = site_a.client(learner).post("/api/v1/calendar/feed-token").json()["url"].rsplit("/", 1)[1][:-4]
    with site_a:
        row = FeedToken.objects.get(user=learner)
    assert token not in row.token_hash and len(row.token_hash) == 64


def test_feed_token_of_another_tenant_is_404(site_a, site_b):
    learner_b = site_b.make_user(role="learner")
    path = site_b.client(learner_b).post("/api/v1/calendar/feed-token").json()["url"].split(site_b.host, 1)[1]
    assert site_b.client().get(path).status_code == 200
    assert site_a.client().get(path).status_code == 404


def test_pages_month_week_agenda(site_a):
    _, learner, _, assignment, other_assignment, _ = _learning_world(site_a)
    client = site_a.client(learner)
    day = timezone.localtime(_due(5)).date()
    for view in ("month", "week", "agenda"):
        response = client.get("/calendar/", {"view": view, "date": day.isoformat()})
        body = response.content.decode()
        assert response.status_code == 200, view
        assert assignment.title in body and other_assignment.course.title not in body
        assert 'rel="prev"' in body and 'rel="next"' in body and "Today" in body
    assert client.get("/calendar/", {"view": "year"}).status_code == 400
    assert client.get("/calendar/", {"date": "2024-13-40"}).status_code == 400
    assert site_a.client().get("/calendar/").status_code == 302


def test_entry_is_shown_in_the_users_time_zone(site_a):
    _, learner, _, assignment, _, _ = _learning_world(site_a)
    client = site_a.client(learner)
    day = _due(5).date().isoformat()
    utc_page = client.get("/calendar/", {"view": "agenda", "date": day}).content.decode()
    assert "12:00" in utc_page and "Times in UTC" in utc_page
    profile = client.post("/accounts/profile/", {"first_name": "Lea", "last_name": "Learner", "time_zone": "Asia/Tokyo"})
    assert profile.status_code == 302
    tokyo_page = client.get("/calendar/", {"view": "agenda", "date": day}).content.decode()
    assert "21:00" in tokyo_page and "Times in Asia/Tokyo" in tokyo_page
    assert '<option value="Asia/Tokyo" selected>' in client.get("/accounts/profile/").content.decode()
    bad = client.post("/accounts/profile/", {"first_name": "Lea", "last_name": "Learner", "time_zone": "Mars/Base"})
    assert bad.status_code == 400
    # the API stays in UTC
    entry = next(e for e in _api_entries(client) if e["uid"] == f"assignment-{assignment.uuid}")
    assert entry["start"].endswith("Z") or entry["start"].endswith("+00:00")


def test_user_zone_beats_the_institution_zone_and_blank_follows_it(site_a):
    from tenants.services import tenant_time_zone_set

    tenant_time_zone_set(tenant=site_a.tenant, time_zone="Europe/Berlin")
    learner = site_a.make_user(role="learner")
    client = site_a.client(learner)
    assert "Times in Europe/Berlin" in client.get("/calendar/").content.decode()
    client.post("/accounts/profile/", {"first_name": "A", "last_name": "B", "time_zone": "America/New_York"})
    assert "Times in America/New_York" in client.get("/calendar/").content.decode()
    client.post("/accounts/profile/", {"first_name": "A", "last_name": "B", "time_zone": ""})
    assert "Times in Europe/Berlin" in client.get("/calendar/").content.decode()


def test_source_query_counts_do_not_grow(site_a, admin_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(learner):
        client = site_a.client(learner)
        client.get("/calendar/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/calendar/", {"view": "agenda"}).status_code == 200
        return len(ctx)

    small = site_a.make_user(role="learner")
    large = site_a.make_user(role="learner")
    instructor = site_a.make_user(role="instructor")
    with site_a:
        for n in range(4):
            course, _, _ = course_with_assignment(author=instructor, title=f"C{n}", due_at=_due(2 + n))
            course_services.enrollment_create(course=course, learner=large)
            if n == 0:
                course_services.enrollment_create(course=course, learner=small)
            pledge_active(campaign=campaign_make(actor=admin_a, days=3 + n), backer=large)
    assert count(small) == count(large)
