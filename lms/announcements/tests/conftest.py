"""Fixtures of the announcement tests: a published course with staff, learners and outsiders; the fan-out
run in-process (the Celery tasks' bodies, in the schema they were queued from)."""
from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from lms.announcements import services
from lms.courses import permissions as course_permissions
from lms.courses import services as course_services

QUEUED: list[tuple[str, int]] = []


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fanout_in_process(monkeypatch):
    """What the worker would do: the fan-out task, then each chunk task (each in its own transaction)."""
    QUEUED.clear()

    def fanout(announcement_id, schema):
        QUEUED.append(("fanout", announcement_id))
        from tenants.models import Tenant

        with tenant_context(Tenant.objects.get(schema_name=schema)):  # as tenant-schemas-celery sets it
            services.announcement_fanout(announcement_id=announcement_id)

    def chunk(announcement_id, user_ids):
        QUEUED.append(("chunk", len(user_ids)))
        services.announcement_notify_chunk(announcement_id=announcement_id, user_ids=user_ids)

    monkeypatch.setattr(services, "_queue_fanout", fanout)
    monkeypatch.setattr(services, "_queue_chunk", chunk)
    return QUEUED


def published_course(author, title="Engines"):
    course = course_services.course_create(author=author, title=title)
    module = course_services.module_create(course=course, title="M1")
    lesson = course_services.lesson_create(module=module, title="L1")
    course_services.item_create(lesson=lesson, kind="text", title="Read me", body="Hello")
    course_services.course_publish(course=course, author=author, change_note="v1")
    course.refresh_from_db()
    return course


def make_world(site) -> SimpleNamespace:
    """A course with its instructor and TA, two enrolled learners, a dropped one and a completed one; a
    second course with its own learner; an outsider enrolled nowhere."""
    from django.utils import timezone

    from lms.courses.models import Enrollment

    instructor = site.make_user(role="instructor", first_name="Ines", last_name="Structor")
    ta = site.make_user(role="teaching_assistant")
    learner = site.make_user(role="learner", first_name="Lea", last_name="Learner")
    other = site.make_user(role="learner")
    dropped = site.make_user(role="learner")
    completed = site.make_user(role="learner")
    elsewhere = site.make_user(role="learner")
    outsider = site.make_user(role="learner")
    with site:
        course = published_course(instructor)
        course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        for person in (learner, other, dropped, completed):
            course_services.enrollment_create(course=course, learner=person)
        Enrollment.objects.filter(course=course, learner=dropped).update(status="dropped", dropped_at=timezone.now())
        Enrollment.objects.filter(course=course, learner=completed).update(status="completed", completed_at=timezone.now())
        course2 = published_course(instructor, title="Looms")
        course_services.enrollment_create(course=course2, learner=elsewhere)
    return SimpleNamespace(site=site, instructor=instructor, ta=ta, learner=learner, other=other, dropped=dropped,
                           completed=completed, elsewhere=elsewhere, outsider=outsider, course=course, course2=course2,
                           slug=course.slug)


@pytest.fixture
def world(site_a):
    return make_world(site_a)
