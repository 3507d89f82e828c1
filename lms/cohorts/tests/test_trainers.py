"""Trainers: learners given automatically to the least loaded trainer within the cap; unassigned
when all are full; staff assignment over the cap refused (409); redistribution when a trainer
leaves the staff or the institution; the staff's rebalance."""
import pytest
from django.core.exceptions import ValidationError

from lms.cohorts import selectors, services
from lms.cohorts.models import TrainerAssignment
from lms.cohorts.scopes import Scope
from lms.courses import permissions as course_permissions
from lms.courses import services as course_services
from lms.courses.models import Enrollment

from .helpers import course_world, enroll

pytestmark = pytest.mark.django_db


def loads(w) -> dict:
    with w.site:
        scope = Scope(course=w.course)
        trainers = scope.trainers()
        return {t.email: n for t, n in zip(trainers, services.trainer_loads(scope, [t.pk for t in trainers]).values())}


def trainer_email(site, course, learner):
    with site:
        trainer = selectors.trainer_of(learner, course)
        return trainer.email if trainer else None


def test_each_new_learner_goes_to_the_trainer_with_fewest_learners(site_a):
    w = course_world(site_a, tas=2)
    learners = enroll(site_a, w.course, 7)
    assert sorted(loads(w).values()) == [2, 2, 3]
    with site_a:  # the first three went to three different trainers
        first = {selectors.trainer_of(learner, w.course).pk for learner in learners[:3]}
    assert first == {w.instructor.pk, *(ta.pk for ta in w.tas)}


def test_the_21st_learner_of_a_lone_trainer_stays_unassigned_without_error(site_a):
    w = course_world(site_a, tas=0)
    learners = enroll(site_a, w.course, 21)  # no error for anyone
    with site_a:
        overview = selectors.trainers_overview(Scope(course=w.course))
        assert overview.cap == 20
        assert [(row.trainer.pk, row.learners) for row in overview.trainers] == [(w.instructor.pk, 20)]
        assert [u.pk for u in overview.unassigned] == [learners[-1].pk]
        assert selectors.trainer_of(learners[-1], w.course) is None
        assert len(selectors.my_learner_ids(w.instructor, w.course)) == 20


def test_the_course_cap_overrides_the_institution_default(site_a):
    w = course_world(site_a, tas=0)
    with site_a:
        services.trainer_cap_set(scope=None, max_learners=2, actor=None)
    enroll(site_a, w.course, 3)
    assert loads(w) == {w.instructor.email: 2}
    with site_a:
        services.trainer_cap_set(scope=Scope(course=w.course), max_learners=4, actor=None)
        assert services.trainer_cap(Scope(course=w.course)) == 4
        with pytest.raises(ValidationError):
            services.trainer_cap_set(scope=Scope(course=w.course), max_learners=0, actor=None)
    enroll(site_a, w.course, 3)
    assert loads(w) == {w.instructor.email: 4}


def test_two_assignments_at_the_cap_the_second_is_refused(site_a):
    w = course_world(site_a, tas=1)
    ta = w.tas[0]
    with site_a:
        services.trainer_cap_set(scope=Scope(course=w.course), max_learners=1, actor=None)
    a, b, c = enroll(site_a, w.course, 3)  # a, b fill both trainers; c waits
    assert trainer_email(site_a, w.course, c) is None
    with site_a:
        scope = Scope(course=w.course)
        holder = selectors.trainer_of(a, w.course)
        other = w.instructor if holder.pk == ta.pk else ta
        services.trainer_assign(scope=scope, learner=a, trainer=None, actor=w.instructor)  # frees a place
        services.trainer_assign(scope=scope, learner=c, trainer=holder, actor=w.instructor)  # takes it
        with pytest.raises(services.TrainerFull):  # the next one at the cap is refused
            services.trainer_assign(scope=scope, learner=a, trainer=holder, actor=w.instructor)
        with pytest.raises(services.TrainerFull):
            services.trainer_assign(scope=scope, learner=a, trainer=other, actor=w.instructor)
        assert TrainerAssignment.objects.filter(course=w.course, trainer=holder).count() == 1


def test_removing_a_trainer_from_the_staff_redistributes_within_the_cap(site_a):
    w = course_world(site_a, tas=2)
    with site_a:
        services.trainer_cap_set(scope=Scope(course=w.course), max_learners=3, actor=None)
    enroll(site_a, w.course, 7)  # 3 / 2 / 2
    leaving = next(ta for ta in w.tas if loads(w)[ta.email] == 2)
    with site_a:
        course_services.course_staff_set(course=w.course, user=leaving, course_role=None, actor=w.instructor)
        assert not TrainerAssignment.objects.filter(course=w.course, trainer=leaving).exists()
        overview = selectors.trainers_overview(Scope(course=w.course))
    assert sorted(loads(w).values()) == [3, 3]  # one place was left: one of the two found it
    assert len(overview.unassigned) == 1


def test_changing_a_trainers_course_role_keeps_their_learners(site_a):
    w = course_world(site_a, tas=1)
    enroll(site_a, w.course, 4)
    with site_a:
        course_services.course_staff_set(course=w.course, user=w.tas[0], course_role="instructor", actor=w.instructor)
    assert loads(w) == {w.instructor.email: 2, w.tas[0].email: 2}


def test_a_deactivated_trainers_learners_go_to_the_others(site_a):
    w = course_world(site_a, tas=1)
    enroll(site_a, w.course, 4)
    with site_a:
        ta = w.tas[0]
        ta.is_active = False
        ta.save(update_fields=["is_active"])
    assert loads(w) == {w.instructor.email: 4}


def test_rebalance_gives_waiting_learners_to_trainers_with_room(site_a):
    w = course_world(site_a, tas=0)
    with site_a:
        services.trainer_cap_set(scope=Scope(course=w.course), max_learners=2, actor=None)
    learners = enroll(site_a, w.course, 4)
    newcomer = w.site.make_user(role="teaching_assistant")
    with site_a:
        course_permissions.course_role_assign(course=w.course, user=newcomer, course_role="teaching_assistant")
        result = services.trainers_rebalance(scope=Scope(course=w.course), actor=w.instructor)
    assert result == {"moved": 2, "unassigned": 0}
    assert loads(w) == {w.instructor.email: 2, newcomer.email: 2}
    assert {trainer_email(site_a, w.course, learner) for learner in learners[2:]} == {newcomer.email}


def test_a_learner_coming_back_keeps_their_trainer(site_a):
    w = course_world(site_a, tas=1)
    (learner,) = enroll(site_a, w.course, 1)
    before = trainer_email(site_a, w.course, learner)
    with site_a:
        enrollment = Enrollment.objects.get(learner=learner, course=w.course)
        course_services.enrollment_drop(enrollment=enrollment)
        assert services.trainer_loads(Scope(course=w.course), [w.instructor.pk, w.tas[0].pk]) == {
            w.instructor.pk: 0, w.tas[0].pk: 0}  # a dropped learner takes no place
        course_services.enrollment_create(course=w.course, learner=learner)
    assert trainer_email(site_a, w.course, learner) == before
