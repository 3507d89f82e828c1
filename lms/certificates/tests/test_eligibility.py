"""Eligibility from seeded grades and progress: each rule alone, then all combined."""
from decimal import Decimal

import pytest

from lms.certificates import selectors
from lms.certificates.eligibility import evaluate_course

from .helpers import all_rules, build_world, complete_everything, enroll, essay_graded, fresh, quiz_graded

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(site_a):
    return site_a.make_user(role="instructor"), site_a.make_user(role="learner", first_name="Lea", last_name="Lovelace")


def _world_with(site, world, instructor, rules):
    from lms.certificates import services
    from lms.courses import services as course_services

    with site:
        services.course_rules_update(course=world.course, rules=rules, actor=instructor)
        course_services.course_publish(course=world.course, author=instructor, change_note="v1")
        world.course.refresh_from_db()
    return world


def test_completion_rule_alone(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    world = _world_with(site_a, world, instructor, {"enabled": True, "min_completion_percent": 80})
    with site_a:
        enrollment = enroll(world, learner)
        result = selectors.course_eligibility(enrollment=enrollment)
        assert not result.eligible
        assert result.unmet == ["Completion 0 % (at least 80 % needed)"]
        complete_everything(world, enrollment)
        result = selectors.course_eligibility(enrollment=fresh(enrollment))
        # the essay item is not complete (no submission): 4 of 5 items = 80 %
        assert result.eligible, result.unmet
        assert result.met == ["Completion 80 % (at least 80 % needed)"]


def test_required_quizzes_alone_counts_passed_quizzes(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    world = _world_with(site_a, world, instructor, {"enabled": True, "min_completion_percent": 0, "quizzes": [
        {"uuid": str(q.uuid), "min_percent": 60} for q in world.quizzes]})
    with site_a:
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 9)
        quiz_graded(world, learner, 1, 5)  # 50 % < 60 %
        result = selectors.course_eligibility(enrollment=enrollment)
        assert not result.eligible
        assert "1 of 2 required quizzes passed" in result.unmet
        assert "“Quiz 2”: 50.00 % (at least 60 % needed)" in result.unmet
        quiz_graded(world, learner, 1, 6)  # a better second attempt counts (the best one)
        result = selectors.course_eligibility(enrollment=enrollment)
        assert result.eligible and result.met == ["2 of 2 required quizzes passed"]


def test_required_assignment_alone_needs_a_posted_grade_at_the_minimum(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    world = _world_with(site_a, world, instructor, {"enabled": True, "min_completion_percent": 0, "assignments": [
        {"uuid": str(world.assignment.uuid), "min_percent": 50}]})
    with site_a:
        enrollment = enroll(world, learner)
        result = selectors.course_eligibility(enrollment=enrollment)
        assert result.unmet == ["0 of 1 required assignment graded at the minimum", "“Essay”: no score yet (at least 50 % needed)"]
        essay_graded(world, learner, 9)  # 45 %
        assert not selectors.course_eligibility(enrollment=enrollment).eligible
        from lms.assignments import services as assignment_services
        from lms.assignments.models import Submission

        submission = assignment_services.submission_create(learner=learner, course=world.course,
                                                           assignment_uuid=world.assignment.uuid, text="Better")
        draft = assignment_services.grade_save(submission=submission, grader=instructor, points=15, post=False)
        assert draft.status == "draft"
        assert not selectors.course_eligibility(enrollment=enrollment).eligible  # a draft grade does not count
        assignment_services.grade_save(submission=Submission.objects.get(pk=submission.pk), grader=instructor,
                                       points=15, post=True)
        assert selectors.course_eligibility(enrollment=enrollment).eligible


def test_all_rules_combined_and_the_total_and_band(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    world = _world_with(site_a, world, instructor, all_rules(world))
    with site_a:
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 10)
        quiz_graded(world, learner, 1, 8)
        result = selectors.course_eligibility(enrollment=enrollment)
        assert not result.eligible
        assert result.unmet[0].startswith("Completion")
        assert "0 of 1 required assignment graded at the minimum" in result.unmet
        essay_graded(world, learner, 17)  # 85 %; the submission completes the essay item
        complete_everything(world, enrollment)
        result = selectors.course_eligibility(enrollment=fresh(enrollment))
        assert result.eligible, result.unmet
        assert result.total_percent == Decimal("88.33")  # (100 + 80 + 85) / 3
        assert result.grade_band == "B"
        lines = {line.title: line for line in result.breakdown}
        assert lines["Quiz 2"].percent == "80.00" and lines["Essay"].score == "17.00" and lines["Essay"].max_score == "20.00"


def test_weights_and_custom_bands(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    rules = {"enabled": True, "min_completion_percent": 0,
             "weights": {str(world.quizzes[0].uuid): 3, str(world.quizzes[1].uuid): 0, str(world.assignment.uuid): 1},
             "grade_bands": [{"label": "Distinction", "min_percent": 75}, {"label": "Merit", "min_percent": 0}]}
    world = _world_with(site_a, world, instructor, rules)
    with site_a:
        enrollment = enroll(world, learner)
        quiz_graded(world, learner, 0, 10)
        result = selectors.course_eligibility(enrollment=enrollment)
        assert result.total_percent == Decimal("75.00")  # (3 × 100 + 1 × 0) / 4; quiz 2 weighs nothing
        assert result.grade_band == "Distinction"


def test_rules_belong_to_the_version_the_learner_is_enrolled_in(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor, publish=False)
    world = _world_with(site_a, world, instructor, {"enabled": True, "min_completion_percent": 0})
    with site_a:
        enrollment = enroll(world, learner)
        from lms.certificates import services
        from lms.courses import services as course_services

        # the draft now wants 100 % and is published as v2: the learner stays on v1's rules
        services.course_rules_update(course=world.course, rules={"enabled": True, "min_completion_percent": 100},
                                     actor=instructor)
        assert selectors.course_eligibility(enrollment=enrollment).eligible
        course_services.course_publish(course=world.course, author=instructor, change_note="v2")
        assert selectors.course_eligibility(enrollment=fresh(enrollment)).eligible
        other = enroll(world, site_a.make_user(role="learner"))
        assert other.version.number == 2
        assert not selectors.course_eligibility(enrollment=other).eligible


def test_no_rules_means_no_certificate(site_a, people):
    instructor, learner = people
    with site_a:
        world = build_world(instructor=instructor)
        result = selectors.course_eligibility(enrollment=enroll(world, learner))
        assert not result.eligible and result.unmet == ["This course does not award a certificate."]


def test_publish_refuses_rules_requiring_a_removed_quiz(site_a, people):
    instructor, _ = people
    from django.core.exceptions import ValidationError

    from lms.certificates import services
    from lms.courses import services as course_services

    with site_a:
        world = build_world(instructor=instructor, publish=False)
        services.course_rules_update(course=world.course, rules=all_rules(world), actor=instructor)
        world.quiz_items[1].delete()
        with pytest.raises(ValidationError) as exc:
            course_services.course_publish(course=world.course, author=instructor)
        assert any("Certificate rules" in m for m in exc.value.messages)


def test_labs_hook_without_a_labs_app_is_unmet():
    result = evaluate_course(rules={"enabled": True, "labs": [{"uuid": "x"}]}, digest={}, progress_percent=100,
                             quiz_scores={}, assignment_grades={})
    assert result.unmet == ["0 of 1 required lab completed"]


def test_rollback_restores_the_rules_of_the_old_version(site_a, people):
    instructor, _ = people
    from lms.certificates import services
    from lms.courses import services as course_services

    with site_a:
        world = build_world(instructor=instructor, rules={"enabled": True, "min_completion_percent": 40})
        services.course_rules_update(course=world.course, rules={"enabled": True, "min_completion_percent": 90},
                                     actor=instructor)
        course_services.course_publish(course=world.course, author=instructor)
        from lms.courses.services.publishing import course_rollback

        course_rollback(course=world.course, version_number=1, author=instructor)
        assert selectors.course_rules_draft(course=world.course)["min_completion_percent"] == 40
        world.course.refresh_from_db()
        assert selectors.version_rules(world.course.published_version)["min_completion_percent"] == 40
