"""Fixtures of the assignment tests: people with each course role, files in a temporary folder."""
from types import SimpleNamespace

import pytest

from lms.courses import permissions as course_permissions
from lms.courses import services as course_services

from .helpers import course_with_assignment


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_world(site, **assignment_fields) -> SimpleNamespace:
    """A published course with an assignment; its instructor, a TA, two enrolled learners, an outsider."""
    instructor = site.make_user(role="instructor")
    ta = site.make_user(role="teaching_assistant")
    learner = site.make_user(role="learner", first_name="Lea", last_name="Learner")
    other = site.make_user(role="learner", first_name="Otto", last_name="Other")
    outsider = site.make_user(role="learner")
    with site:
        course, assignment, item = course_with_assignment(author=instructor, **assignment_fields)
        course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        course_services.enrollment_create(course=course, learner=learner)
        course_services.enrollment_create(course=course, learner=other)
    return SimpleNamespace(site=site, instructor=instructor, ta=ta, learner=learner, other=other, outsider=outsider,
                           course=course, assignment=assignment, item=item, slug=course.slug)


@pytest.fixture
def world(site_a):
    return make_world(site_a)
