"""Builders of the cohort tests."""
from __future__ import annotations

from types import SimpleNamespace

from lms.courses import permissions as course_permissions
from lms.courses import services as course_services
from lms.courses.tests.factories import build_published_course


def course_world(site, *, tas: int = 1) -> SimpleNamespace:
    """A published course: its instructor (the author) and `tas` teaching assistants; nobody enrolled."""
    instructor = site.make_user(role="instructor", first_name="Ines", last_name="Instructor")
    assistants = [site.make_user(role="teaching_assistant", first_name=f"Tara{i}", last_name="Assistant") for i in range(tas)]
    with site:
        course = build_published_course(author=instructor, title="Cohort course")
        for ta in assistants:
            course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
    return SimpleNamespace(site=site, instructor=instructor, tas=assistants, course=course, slug=course.slug)


def enroll(site, course, n: int) -> list:
    learners = [site.make_user(role="learner") for _ in range(n)]
    with site:
        for learner in learners:
            course_services.enrollment_create(course=course, learner=learner)
    return learners
