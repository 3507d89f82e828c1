"""The dashboard body is cached per learner and rebuilt whenever something it shows changes."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.courses import services
from lms.courses.tests.factories import build_published_course

pytestmark = pytest.mark.django_db


def test_cached_body_is_rebuilt_on_enrollment_progress_and_publish(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    other = site_a.make_user(role="learner")
    with site_a:
        course = build_published_course(author=instructor, title="Cached Course", items=2)
    client = site_a.client(learner)
    assert "Cached Course" not in client.get("/dashboard/").content.decode()
    with site_a:
        enrollment = services.enrollment_create(course=course, learner=learner)
    assert "0% complete" in client.get("/dashboard/").content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get("/dashboard/")
    assert not any("courses_enrollment" in q["sql"] for q in warm.captured_queries)  # served from the cache
    with site_a:
        services.progress_item_complete(enrollment=enrollment,
                                        item_uuid=services.snapshot_item_uuids(enrollment.version.snapshot)[0])
    assert "50% complete" in client.get("/dashboard/").content.decode()
    with site_a:
        services.course_update(course=course, title="Renamed Course")
        services.course_publish(course=course, author=instructor)
        services.enrollment_move_to_version(enrollment=enrollment)
    assert "Renamed Course" in client.get("/dashboard/").content.decode()
    # another learner's dashboard never shows this learner's courses
    assert "Renamed Course" not in site_a.client(other).get("/dashboard/").content.decode()


def test_cached_catalog_shows_new_courses_and_enrolled_badges_at_once(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        first = build_published_course(author=instructor, title="First Course")
    client = site_a.client(learner)
    page = client.get("/courses/").content.decode()
    assert "First Course" in page and "Enrolled" not in page
    with site_a:
        build_published_course(author=instructor, title="Second Course")
        services.enrollment_create(course=first, learner=learner)
    page = client.get("/courses/").content.decode()
    assert "Second Course" in page and "Enrolled" in page
    assert "Enrolled" not in site_a.client().get("/courses/").content.decode()  # anonymous visitors: no badges
