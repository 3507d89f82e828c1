"""Deadline reminders: one a day before and one an hour before each deadline, once per person whatever
how often (or how concurrently) beat runs, only to enrolled learners who have not handed in, by
their preferences; a moved due date is reminded of again."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from lms.assignments.services import assignment_update, submission_create
from lms.assignments.tests.helpers import course_with_assignment
from lms.courses import services as course_services
from lms.quizzes.selectors import learner_quiz_get
from lms.quizzes.services.attempts import attempt_start, attempt_submit
from lms.quizzes.tests.factories import build_quiz_course, enroll, publish
from tenant_apps.calendar.models import DeadlineReminderSent
from tenant_apps.calendar.reminders import deadline_reminders_send
from tenant_apps.notifications.models import Notification
from tenant_apps.notifications.services import preference_set

pytestmark = pytest.mark.django_db


def _due(days: int = 3):
    return (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


def _run(site, capture, now) -> int:
    with site, capture(execute=True):
        return deadline_reminders_send(now=now)


def _reminders(site, user) -> list[str]:
    with site:
        return list(Notification.objects.filter(user=user, event_key="deadline_reminder")
                    .order_by("created_at", "id").values_list("body", flat=True))


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner, done, off, outsider, dropped = (site_a.make_user(role="learner") for _ in range(5))
    due = _due()
    with site_a:
        course, assignment, _ = course_with_assignment(author=instructor, title="Writing 101", due_at=due,
                                                       submission_types=["text"])
        for person in (learner, done, off, dropped):
            course_services.enrollment_create(course=course, learner=person)
        submission_create(learner=done, course=course, assignment_uuid=assignment.uuid, text="My essay")
        course_services.enrollment_drop(enrollment=dropped.enrollments.get(course=course))
        preference_set(user=off, event_key="deadline_reminder", choice="off")
    return SimpleNamespace(instructor=instructor, learner=learner, done=done, off=off, outsider=outsider,
                           dropped=dropped, course=course, assignment=assignment, due=due)


def test_one_day_and_one_hour_reminders_are_sent_once_each(site_a, world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    mail.outbox.clear()
    assert _run(site_a, capture, world.due - timedelta(days=2)) == 0  # too early
    assert _reminders(site_a, world.learner) == []

    day_before = world.due - timedelta(hours=23)
    assert _run(site_a, capture, day_before) == 1
    assert _run(site_a, capture, day_before + timedelta(minutes=5)) == 0  # beat again: nothing new
    assert _run(site_a, capture, day_before) == 0  # a rerun of the same moment neither
    bodies = _reminders(site_a, world.learner)
    assert len(bodies) == 1 and "Essay" in bodies[0] and "Writing 101" in bodies[0] and "within a day" in bodies[0]
    assert [m.to for m in mail.outbox] == [[world.learner.email]]
    assert "Due within a day: Essay" in mail.outbox[0].subject

    hour_before = world.due - timedelta(minutes=50)
    assert _run(site_a, capture, hour_before) == 1
    assert _run(site_a, capture, hour_before + timedelta(minutes=5)) == 0
    bodies = _reminders(site_a, world.learner)
    assert len(bodies) == 2 and "in one hour" in bodies[1]
    assert _run(site_a, capture, world.due + timedelta(minutes=1)) == 0  # past due: no more
    with site_a:
        assert set(DeadlineReminderSent.objects.filter(user=world.learner).values_list("kind", flat=True)) == {"1d", "1h"}


def test_no_reminder_after_handing_in_nor_outside_the_course_nor_when_off(site_a, world, django_capture_on_commit_callbacks):
    _run(site_a, django_capture_on_commit_callbacks, world.due - timedelta(hours=20))
    assert len(_reminders(site_a, world.learner)) == 1
    assert _reminders(site_a, world.done) == []  # already submitted
    assert _reminders(site_a, world.outsider) == []  # not enrolled
    assert _reminders(site_a, world.dropped) == []  # dropped the course
    assert _reminders(site_a, world.instructor) == []
    assert _reminders(site_a, world.off) == []  # preference "off"


def test_a_late_start_sends_only_the_hour_reminder(site_a, world, django_capture_on_commit_callbacks):
    assert _run(site_a, django_capture_on_commit_callbacks, world.due - timedelta(minutes=30)) == 1
    with site_a:
        assert list(DeadlineReminderSent.objects.filter(user=world.learner).values_list("kind", flat=True)) == ["1h"]


def test_a_moved_due_date_is_reminded_of_again(site_a, world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    assert _run(site_a, capture, world.due - timedelta(hours=20)) == 1
    later = world.due + timedelta(days=2)
    with site_a:
        assignment_update(assignment=world.assignment, due_at=later)
        course_services.course_publish(course=world.course, author=world.instructor, change_note="later")
        world.course.refresh_from_db()
        enrollment = world.learner.enrollments.get(course=world.course)
        course_services.enrollment_move_to_version(enrollment=enrollment, version=world.course.published_version)
    assert _run(site_a, capture, later - timedelta(hours=20)) == 1
    assert _run(site_a, capture, later - timedelta(hours=19)) == 0
    assert len(_reminders(site_a, world.learner)) == 2
    with site_a:
        assert set(DeadlineReminderSent.objects.filter(user=world.learner).values_list("due_at", flat=True)) == {
            world.due, later}


def test_quiz_reminder_skips_learners_who_handed_in(site_a, django_capture_on_commit_callbacks):
    instructor = site_a.make_user(role="instructor")
    learner, done = site_a.make_user(role="learner"), site_a.make_user(role="learner")
    due = _due(2)
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, title="Quizzing", due_at=due)
        publish(course, instructor)
        enroll(course, learner)
        enroll(course, done)
        attempt = attempt_start(learner_quiz=learner_quiz_get(learner=done, course=course, quiz_uuid=quiz.uuid)).attempt
        attempt_submit(attempt=attempt, answers={})
    assert _run(site_a, django_capture_on_commit_callbacks, due - timedelta(hours=2)) == 1
    assert len(_reminders(site_a, learner)) == 1 and "Quiz" in _reminders(site_a, learner)[0]
    assert _reminders(site_a, done) == []


def test_reminders_stay_in_their_tenant(site_a, site_b, world, django_capture_on_commit_callbacks):
    assert _run(site_a, django_capture_on_commit_callbacks, world.due - timedelta(hours=20)) == 1
    with site_b:
        assert not DeadlineReminderSent.objects.exists()
    assert _run(site_b, django_capture_on_commit_callbacks, world.due - timedelta(hours=20)) == 0


def test_the_time_is_shown_in_the_learners_own_time_zone(site_a, world, django_capture_on_commit_callbacks):
    from tenant_apps.accounts.models import Profile
    from tenant_apps.accounts.services import user_time_zone_forget

    with site_a:
        Profile.objects.filter(user=world.learner).update(time_zone="Asia/Tokyo")
        user_time_zone_forget(user_id=world.learner.pk)
    _run(site_a, django_capture_on_commit_callbacks, world.due - timedelta(hours=20))
    tokyo = world.due.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%H:%M} JST" in _reminders(site_a, world.learner)[0]
