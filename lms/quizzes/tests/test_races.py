"""Real races against PostgreSQL: one learner starting (and submitting) a quiz from many tabs at once."""
import pytest
from django.contrib.auth.models import User

from lms.courses.models import Course, Enrollment
from lms.quizzes import selectors, services
from lms.quizzes.models import Quiz, QuizAttempt
from tests.concurrency import race

from .factories import build_quiz_course, enroll, publish

ALLOWED, TABS = 2, 6


@pytest.fixture
def committed_site(committed_db):
    """site_a without the test transaction that the `db`-based fixture would open."""
    from django.conf import settings

    from conftest import Site
    from tenants.models import Tenant

    return Site(Tenant.objects.get(slug="acme"), f"acme.{settings.PLATFORM_DOMAIN}")


@pytest.mark.parametrize("attempt", range(3))
def test_racing_attempt_starts_never_exceed_the_attempts_allowed(committed_site, attempt):
    site_a = committed_site
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, title=f"Race quiz {attempt}", attempts_allowed=ALLOWED,
                                            questions=[{"kind": "true_false", "prompt": "Sky blue?", "points": 1,
                                                        "answer": {"correct": True}}])
        publish(course, instructor)
        enroll(course, learner)
    try:
        def start_and_submit_until_refused(i):
            """A tab that starts (or resumes) an attempt and submits it, until it is told no attempt is left."""
            outcomes = []
            for _ in range(ALLOWED + TABS):
                learner_quiz = selectors.learner_quiz_get(learner=User.objects.get(pk=learner.pk),
                                                          course=Course.objects.get(pk=course.pk), quiz_uuid=quiz.uuid)
                try:
                    started = services.attempt_start(learner_quiz=learner_quiz)
                    services.attempt_submit(attempt=started.attempt, answers={})
                    outcomes.append("submitted")
                except services.AttemptRefused as exc:
                    outcomes.append(exc.code)
                    if exc.code == "no_attempts_left":
                        return outcomes
            return outcomes

        results = race(start_and_submit_until_refused, TABS, tenant=site_a.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        assert all(r[-1] == "no_attempts_left" for r in results), results
        with site_a:
            numbers = sorted(QuizAttempt.objects.filter(learner_id=learner.pk, quiz_uuid=quiz.uuid)
                             .values_list("number", flat=True))
            assert numbers == list(range(1, ALLOWED + 1)), numbers
    finally:
        with site_a:
            QuizAttempt.objects.filter(learner_id=learner.pk).delete()
            Enrollment.objects.filter(course_id=course.pk).delete()
            Course.objects.filter(pk=course.pk).delete()
            Quiz.objects.filter(pk=quiz.pk).delete()
            User.objects.filter(pk__in=[instructor.pk, learner.pk]).delete()
