"""Real races against PostgreSQL: learners enrolling at once, and staff assigning at once, never
push a trainer past the cap."""
import pytest
from django.contrib.auth.models import User

from lms.cohorts import services
from lms.cohorts.models import TrainerAssignment
from lms.cohorts.scopes import Scope
from lms.courses import services as course_services
from lms.courses.models import Course, Enrollment
from lms.courses.tests.factories import build_published_course
from lms.courses.tests.test_races import committed_site  # noqa: F401 - a fixture
from tests.concurrency import race

CAP = 2


@pytest.fixture
def capped_course(committed_site):  # noqa: F811
    site = committed_site
    instructor = site.make_user(role="instructor")
    learners = [site.make_user(role="learner") for _ in range(6)]
    with site:
        course = build_published_course(author=instructor, title="Capped trainers")
        services.trainer_cap_set(scope=Scope(course=course), max_learners=CAP, actor=None)
    yield site, course, instructor, learners
    with site:
        TrainerAssignment.objects.filter(course_id=course.pk).delete()
        Enrollment.objects.filter(course_id=course.pk).delete()
        Course.objects.filter(pk=course.pk).delete()
        User.objects.filter(pk__in=[instructor.pk, *[u.pk for u in learners]]).delete()


def test_learners_enrolling_at_once_fill_the_trainer_exactly_to_the_cap(capped_course):
    site, course, instructor, learners = capped_course

    def enroll(i):
        return course_services.enrollment_create(course=Course.objects.get(pk=course.pk),
                                                 learner=User.objects.get(pk=learners[i].pk))

    results = race(enroll, len(learners), tenant=site.tenant)
    assert all(isinstance(r, Enrollment) for r in results), results  # nobody is refused for want of a trainer
    with site:
        assert TrainerAssignment.objects.filter(course_id=course.pk, trainer=instructor).count() == CAP


def test_staff_assigning_at_once_to_the_last_place_one_wins(capped_course):
    site, course, instructor, learners = capped_course
    with site:
        for learner in learners[:CAP + 3]:
            course_services.enrollment_create(course=course, learner=learner)
        assigned = set(TrainerAssignment.objects.filter(course_id=course.pk).values_list("learner_id", flat=True))
        TrainerAssignment.objects.filter(course_id=course.pk).first().delete()  # one place is free again
    waiting = [u for u in learners[:CAP + 3] if u.pk not in assigned]  # three learners race for it
    assert len(waiting) == 3

    def assign(i):
        return services.trainer_assign(scope=Scope(course=Course.objects.get(pk=course.pk)),
                                       learner=User.objects.get(pk=waiting[i].pk),
                                       trainer=User.objects.get(pk=instructor.pk), actor=None)

    results = race(assign, len(waiting), tenant=site.tenant)
    won = [r for r in results if isinstance(r, TrainerAssignment)]
    full = [r for r in results if isinstance(r, services.TrainerFull)]
    assert len(won) == 1 and len(full) == 2, results
    with site:
        assert TrainerAssignment.objects.filter(course_id=course.pk, trainer=instructor).count() == CAP
