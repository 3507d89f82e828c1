"""Real races against PostgreSQL: beat runs overlapping (or a retried task) never send a reminder twice."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
from django.contrib.auth.models import User

from lms.courses import services as course_services
from lms.courses.models import Course, Enrollment
from lms.courses.tests.factories import build_published_course
from lms.live_sessions.models import LiveSession
from lms.live_sessions.services import live_session_create
from tenant_apps.calendar.models import DeadlineReminderSent
from tenant_apps.calendar.reminders import deadline_reminders_send
from tenant_apps.notifications.models import Notification
from tests.concurrency import race

RUNS = 4


@pytest.fixture
def committed_site(committed_db):
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


def test_overlapping_runs_send_each_reminder_once(committed_site):
    site = committed_site
    instructor, learners = site.make_user(role="instructor"), [site.make_user(role="learner") for _ in range(3)]
    start = datetime(2041, 3, 4, 15, 0, tzinfo=dt_timezone.utc)  # far from any other test's data
    with site:
        course = build_published_course(author=instructor, title="Race course", items=1)
        for learner in learners:
            course_services.enrollment_create(course=course, learner=learner)
        session = live_session_create(course=course, actor=instructor, title="Race session", starts_at=start,
                                      ends_at=start + timedelta(hours=1), join_url="https://meet.example.org/race")
    ids = [u.pk for u in learners]
    try:
        results = race(lambda i: deadline_reminders_send(now=start - timedelta(minutes=30)), RUNS, tenant=site.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert sum(results) == len(learners), results  # all of them, once, whichever run got there first
        with site:
            assert DeadlineReminderSent.objects.filter(user_id__in=ids).count() == len(learners)
            assert Notification.objects.filter(user_id__in=ids, event_key="deadline_reminder").count() == len(learners)
            assert deadline_reminders_send(now=start - timedelta(minutes=20)) == 0
    finally:
        with site:
            Notification.objects.filter(user_id__in=ids).delete()
            DeadlineReminderSent.objects.filter(user_id__in=ids).delete()
            LiveSession.objects.filter(pk=session.pk).delete()
            Enrollment.objects.filter(course_id=course.pk).delete()
            Course.objects.filter(pk=course.pk).delete()
            User.objects.filter(pk__in=[instructor.pk, *ids]).delete()
