import pytest
from django.utils import timezone

from lms.courses import services as cs
from lms.courses.tests.factories import build_course
from lms.quizzes.demo import demo_quiz_add
from lms.quizzes.models import QuizAttempt

pytestmark = pytest.mark.django_db


def test_graded_quiz_attempts_appear_under_recent_grades(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course = build_course(author=instructor, title="Quizzed")
        item = demo_quiz_add(lesson=course.modules.first().lessons.first(), author=instructor, title="Weekly quiz")
        cs.course_publish(course=course, author=instructor)
        enrollment = cs.enrollment_create(course=course, learner=learner)
        QuizAttempt.objects.create(
            learner=learner, course=course, quiz_uuid=item.ref_uuid, item_uuid=item.uuid, version_number=1, number=1,
            started_at=timezone.now(), submitted_at=timezone.now(), status="graded", score=7, max_score=11,
            graded_at=timezone.now(),
        )
        assert enrollment.version.number == 1
    body = site_a.client(learner).get("/dashboard/").content.decode()
    assert "Weekly quiz" in body and "7 / 11" in body


def test_quiz_due_dates_appear_under_upcoming_deadlines_until_submitted(site_a):
    from datetime import timedelta

    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import Quiz

    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course = build_course(author=instructor, title="Deadlines")
        item = demo_quiz_add(lesson=course.modules.first().lessons.first(), author=instructor, title="Midterm quiz")
        quiz_services.quiz_update(quiz=Quiz.objects.get(uuid=item.ref_uuid), due_at=timezone.now() + timedelta(days=3))
        cs.course_publish(course=course, author=instructor)
        cs.enrollment_create(course=course, learner=learner)
    client = site_a.client(learner)
    assert "Midterm quiz" in client.get("/dashboard/").content.decode()
    with site_a:
        QuizAttempt.objects.create(
            learner=learner, course=course, quiz_uuid=item.ref_uuid, item_uuid=item.uuid, version_number=1, number=1,
            started_at=timezone.now(), submitted_at=timezone.now(), status="needs_grading", max_score=11,
        )
    deadlines = client.get("/dashboard/").content.decode().split("Upcoming deadlines")[1].split("Recent grades")[0]
    assert "Midterm quiz" not in deadlines
