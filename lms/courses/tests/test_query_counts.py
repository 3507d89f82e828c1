"""The catalog, the course page, the player, the dashboard and the learner API lists answer in the
same number of queries with small and with large data (issue: "query counts do not grow with
the number of rows"; target: at most 12 queries a page)."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.courses import dashboard_cache

from lms.courses import services
from lms.courses.tests.factories import build_published_course
from tenant_apps.accounts.tests.manage_helpers import api_client, jwt_for

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _count(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # warm the per-tenant caches (site settings) as a running site has them
    dashboard_cache.content_changed()  # ...but measure the dashboard body being built, not its cached copy
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx), [q["sql"] for q in ctx.captured_queries]


def _world(site, n_courses: int, *, modules: int, lessons: int, items: int):
    """n published courses, each with modules × lessons × items; a learner enrolled in all of them, with progress."""
    instructor = site.make_user(role="instructor")
    learner = site.make_user(role="learner")
    with site:
        courses = [
            build_published_course(author=instructor, title=f"Course {n:03d}", tags=[f"tag{n % 4}"], estimated_minutes=30 + n,
                                   modules=modules, lessons=lessons, items=items)
            for n in range(n_courses)
        ]
        for n, course in enumerate(courses):
            enrollment = services.enrollment_create(course=course, learner=learner)
            uuids = services.snapshot_item_uuids(enrollment.version.snapshot)
            for item_uuid in uuids[: n % (len(uuids) + 1)]:
                services.progress_item_complete(enrollment=enrollment, item_uuid=item_uuid)
        first_item = services.snapshot_item_uuids(courses[0].published_version.snapshot)[0]
    return learner, courses[0], first_item


def _pages(course, first_item: str) -> list[str]:
    return ["/courses/", "/courses/?q=course&level=beginner&tag=tag1", f"/courses/{course.slug}/", "/dashboard/",
            f"/learn/{course.slug}/items/{first_item}/"]


def _api(course) -> list[str]:
    return ["/api/v1/courses", "/api/v1/me/enrollments", f"/api/v1/courses/{course.slug}",
            f"/api/v1/me/enrollments/{course.slug}"]


def _measure(site, learner, course, first_item) -> tuple[dict[str, int], dict[str, list[str]]]:
    counts, sql = {}, {}
    page_client = site.client(learner)
    for url in _pages(course, first_item):
        counts[url.replace(course.slug, "<slug>").replace(first_item, "<item>")], sql[url] = _count(page_client, url)
    anonymous = site.client()
    counts["anonymous /courses/"], _ = _count(anonymous, "/courses/")
    counts["anonymous course page"], _ = _count(anonymous, f"/courses/{course.slug}/")
    token_client = api_client(site, jwt_for(site, learner.email))
    for url in _api(course):
        counts["API " + url.replace(course.slug, "<slug>")], sql[url] = _count(token_client, url)
    return counts, sql


def test_learner_pages_and_api_do_not_grow_with_rows(site_a, site_b):
    # small: 2 courses of 1×1×2 items; large: 20 courses of 3×3×3 items (more cards than one catalog page)
    small_counts, _ = _measure(site_a, *_world(site_a, 2, modules=1, lessons=1, items=2))
    large_counts, large_sql = _measure(site_b, *_world(site_b, 20, modules=3, lessons=3, items=3))
    assert small_counts == large_counts
    too_many = {page: n for page, n in large_counts.items() if n > MAX_QUERIES}
    assert not too_many, (too_many, large_sql)


def test_staff_enrollment_page_does_not_grow_with_enrollments(site_a, site_b):
    counts = []
    for site, n in ((site_a, 2), (site_b, 20)):
        instructor = site.make_user(role="instructor")
        learners = [site.make_user(role="learner") for _ in range(n)]
        with site:
            course = build_published_course(author=instructor, title="Staffed")
            services.enrollment_bulk_create(course=course, learners=learners, enrolled_by=instructor, note="n")
        page, _ = _count(site.client(instructor), f"/courses/{course.slug}/enrollments/")
        api, _ = _count(api_client(site, jwt_for(site, instructor.email)), f"/api/v1/courses/{course.slug}/enrollments")
        counts.append((page, api))
    assert counts[0] == counts[1]
    assert max(counts[1]) <= MAX_QUERIES, counts


def test_dashboard_does_not_grow_with_the_tracks_a_learner_follows(site_a, site_b):
    from lms.tracks import services as track_services

    counts = []
    for site, n_tracks in ((site_a, 1), (site_b, 4)):
        instructor = site.make_user(role="instructor")
        learner = site.make_user(role="learner")
        with site:
            for t in range(n_tracks):
                course = build_published_course(author=instructor, title=f"Track course {t}", items=1)
                track = track_services.track_create(author=instructor, title=f"Path {t}")
                track_services.track_add_course(track=track, course=course, actor=instructor)
                project = track_services.track_add_project(track=track, title=f"Project {t}", actor=instructor).project
                track_services.project_step_add(project=project, title="Link", instructions="", deliverable="url",
                                                actor=instructor)
                track_services.track_update(track=track, actor=instructor, is_published=True)
                track_services.track_enroll(track=track, learner=learner)
        count, sql = _count(site.client(learner), "/dashboard/")
        counts.append((count, sql))
    assert counts[0][0] == counts[1][0], [c for c, _ in counts]
