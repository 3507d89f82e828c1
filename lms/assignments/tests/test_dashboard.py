"""Learner dashboard hooks: upcoming deadlines and recent (posted) grades, in constant queries."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.assignments import dashboard, selectors, services
from lms.courses import services as course_services

from .helpers import add_assignment

pytestmark = pytest.mark.django_db


def build(site, learner, instructor, *, courses: int, per_course: int):
    now = timezone.now()
    made = []
    with site:
        for c in range(courses):
            course = course_services.course_create(author=instructor, title=f"Course {c} {now.timestamp()}")
            lesson = course_services.lesson_create(module=course_services.module_create(course=course, title="M"), title="L")
            items = [add_assignment(course, lesson, title=f"Task {c}.{n}", due_at=now + timedelta(days=c + n + 1),
                                    grade_posting="automatic", max_submissions=None)[0] for n in range(per_course)]
            add_assignment(course, lesson, title=f"Past {c}", due_at=now - timedelta(days=1), accept_late=True)
            add_assignment(course, lesson, title=f"Undated {c}")
            course_services.course_publish(course=course, author=instructor)
            course_services.enrollment_create(course=course, learner=learner)
            made.append((course, items))
    return made


def test_upcoming_deadlines_and_recent_grades(site_a):
    learner, instructor = site_a.make_user(role="learner"), site_a.make_user(role="instructor")
    (course, (first, second)), = build(site_a, learner, instructor, courses=1, per_course=2)
    with site_a:
        deadlines = selectors.upcoming_deadlines(learner)
        assert [d.title for d in deadlines] == ["Task 0.0", "Task 0.1"]  # past and undated ones left out
        assert deadlines[0].url == f"/learn/{course.slug}/assignment/{first.uuid}/"
        submission = services.submission_create(learner=learner, course=course, assignment_uuid=first.uuid, text="done")
        assert [d.title for d in selectors.upcoming_deadlines(learner)] == ["Task 0.1"]  # submitted: not a deadline any more

        services.assignment_update(assignment=first, grade_posting="manual")  # staff side: takes effect at once
        services.grade_save(submission=submission, grader=instructor, points="7.5")
        assert selectors.recent_grades(learner) == []  # a draft is not shown
        services.grade_save(submission=submission, grader=instructor, points="7.5", post=True)
        (grade,) = selectors.recent_grades(learner)
        assert (grade.title, grade.final_points, grade.max_points, grade.percent) == ("Task 0.0", Decimal("7.50"), 10, Decimal("75.00"))
        published_title = grade.course_title
        course_services.course_update(course=course, title="Draft title, not published")
        services.assignment_update(assignment=first, title="Draft assignment title")
        assert [(g.course_title, g.title) for g in selectors.recent_grades(learner)] == [(published_title, "Task 0.0")]
        assert selectors.upcoming_deadlines(learner)[0].course_title == published_title
        rows = dashboard.recent_grades(learner)
        assert rows[0]["grade"] == "7.5 / 10" and rows[0]["kind"] == "assignment" and rows[0]["url"] == grade.url
        assert set(dashboard.upcoming_deadlines(learner)[0]) >= {"title", "course_title", "due_at", "url"}
        # dropped courses are left out
        course_services.enrollment_drop(enrollment=course.enrollments.get(learner=learner))
        assert selectors.upcoming_deadlines(learner) == []


def test_dashboard_hooks_use_constant_queries(site_a):
    small_learner, large_learner = site_a.make_user(role="learner"), site_a.make_user(role="learner")
    instructor = site_a.make_user(role="instructor")
    build(site_a, small_learner, instructor, courses=1, per_course=1)
    large = build(site_a, large_learner, instructor, courses=3, per_course=3)
    with site_a:
        for course, items in large:
            for assignment in items[:2]:
                submission = services.submission_create(learner=large_learner, course=course, assignment_uuid=assignment.uuid,
                                                        text="x")
                services.grade_save(submission=submission, grader=instructor, points="5")
        counts = {}
        for name, learner in (("small", small_learner), ("large", large_learner)):
            with CaptureQueriesContext(connection) as ctx:
                dashboard.upcoming_deadlines(learner)
                dashboard.recent_grades(learner)
            counts[name] = len(ctx.captured_queries)
        assert len(selectors.recent_grades(large_learner)) == 5
    assert counts["small"] <= counts["large"] == 4, counts
