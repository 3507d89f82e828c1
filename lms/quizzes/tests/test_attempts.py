"""Attempts: start, limits, the server-side time limit, autosave, scoring, version pinning,
completion, essay grading, and the gradebook feed."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lms.courses import permissions
from lms.courses import services as course_services
from lms.courses.models import ItemProgress
from lms.quizzes import selectors, services
from lms.quizzes.models import QuizAttempt

from .factories import answers_by_kind, build_quiz_course, enroll, option_id, perfect_answers, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(site_a):
    return site_a.make_user(role="instructor")


@pytest.fixture
def learner(site_a):
    return site_a.make_user(role="learner")


def _learner_quiz(course, quiz, learner):
    return selectors.learner_quiz_get(learner=learner, course=course, quiz_uuid=quiz.uuid)


def test_full_marks_and_scoring_of_every_kind(site_a, instructor, learner):
    with site_a:
        course, quiz, item = build_quiz_course(author=instructor)
        publish(course, instructor)
        enrollment = enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        assert attempt.version_number == 1 and attempt.max_score == Decimal("13.00")
        attempt = services.attempt_submit(attempt=attempt, answers=perfect_answers(quiz))
        assert attempt.status == QuizAttempt.Status.NEEDS_GRADING  # the essay
        assert attempt.score == Decimal("8.00") and attempt.graded_at is None
        assert all(r["correct"] for r in list(attempt.results.values())[:7])
        # submitting completes the quiz item (pass or fail)
        assert ItemProgress.objects.get(enrollment=enrollment, item_uuid=item.uuid).completed_at is not None


def test_wrong_and_partial_answers(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[
            {"kind": "multiple_choice", "prompt": "Primes", "points": 2,
             "options": [{"text": "two", "correct": True}, {"text": "three", "correct": True}, {"text": "four"}]},
            {"kind": "numeric", "prompt": "pi", "answer": {"value": "3.14", "tolerance": "0.01"}},
        ], passing_percent=50)
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        attempt = services.attempt_submit(attempt=attempt, answers=answers_by_kind(
            quiz, q0=[option_id(quiz, 0, "two")], q1="3.16"))
        assert attempt.status == QuizAttempt.Status.GRADED and attempt.graded_at is not None
        assert attempt.score == Decimal("1.00") and attempt.max_score == Decimal("3.00")
        lq = _learner_quiz(course, quiz, learner)
        assert selectors.passed(attempt, lq.quiz) is False
        attempt.score = Decimal("1.50")
        assert selectors.passed(attempt, lq.quiz) is True  # 50% exactly passes


def test_attempts_allowed_is_enforced_and_an_open_attempt_is_resumed(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, attempts_allowed=2)
        publish(course, instructor)
        enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        first = services.attempt_start(learner_quiz=lq)
        assert first.created and first.attempt.number == 1
        again = services.attempt_start(learner_quiz=lq)
        assert not again.created and again.attempt.pk == first.attempt.pk
        services.attempt_submit(attempt=first.attempt)
        second = services.attempt_start(learner_quiz=lq).attempt
        assert second.number == 2
        services.attempt_submit(attempt=second)
        with pytest.raises(services.AttemptRefused, match="used all 2 attempts") as caught:
            services.attempt_start(learner_quiz=lq)
        assert caught.value.code == "no_attempts_left"
        assert QuizAttempt.objects.filter(learner=learner).count() == 2


def test_time_limit_is_enforced_on_the_server(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, time_limit_minutes=10)
        publish(course, instructor)
        enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        attempt = services.attempt_start(learner_quiz=lq).attempt
        assert attempt.deadline_at == attempt.started_at + timedelta(minutes=10)
        good = perfect_answers(quiz)
        first_two = dict(list(good.items())[:2])
        services.attempt_answers_save(attempt=attempt, answers=first_two)  # saved in time
        # the clock passes the deadline (+ grace): move the deadline into the past
        QuizAttempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - services.GRACE - timedelta(seconds=1))
        attempt.refresh_from_db()
        with pytest.raises(services.TimeUp) as caught:
            services.attempt_submit(attempt=attempt, answers=good)  # everything, too late
        attempt = caught.value.attempt
        assert attempt.status == QuizAttempt.Status.GRADED and attempt.closed_by_deadline
        assert attempt.answers == first_two  # the late answers were not stored
        assert attempt.score == Decimal("3.00")  # only what was saved in time: single (1) + multiple (2)
        assert attempt.submitted_at == attempt.deadline_at
        with pytest.raises(services.AttemptRefused, match="already submitted"):
            services.attempt_answers_save(attempt=attempt, answers=good)


def test_answers_within_the_grace_period_are_accepted(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, time_limit_minutes=5)
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        now = attempt.deadline_at + services.GRACE - timedelta(milliseconds=10)
        attempt = services.attempt_submit(attempt=attempt, answers=perfect_answers(quiz), now=now)
        assert not attempt.closed_by_deadline and attempt.score == Decimal("8.00")


def test_late_autosave_is_refused_and_closes_the_attempt(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, time_limit_minutes=5)
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        late = attempt.deadline_at + timedelta(minutes=1)
        with pytest.raises(services.TimeUp):
            services.attempt_answers_save(attempt=attempt, answers=perfect_answers(quiz), now=late)
        attempt.refresh_from_db()
        assert attempt.status != QuizAttempt.Status.IN_PROGRESS and attempt.answers == {} and attempt.score == 0


def test_overdue_attempts_are_closed_by_the_sweep_and_before_a_new_start(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, time_limit_minutes=5, attempts_allowed=3)
        publish(course, instructor)
        enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        first = services.attempt_start(learner_quiz=lq).attempt
        QuizAttempt.objects.filter(pk=first.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
        second = services.attempt_start(learner_quiz=lq)
        assert second.created and second.attempt.number == 2
        first.refresh_from_db()
        assert first.closed_by_deadline and first.status == QuizAttempt.Status.GRADED
        QuizAttempt.objects.filter(pk=second.attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
        assert services.attempts_close_overdue(course=course) == 1


def test_due_date_caps_the_deadline_and_closes_the_quiz(site_a, instructor, learner):
    with site_a:
        due = timezone.now() + timedelta(minutes=3)
        course, quiz, _ = build_quiz_course(author=instructor, time_limit_minutes=60, due_at=due)
        publish(course, instructor)
        enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        attempt = services.attempt_start(learner_quiz=lq).attempt
        assert attempt.deadline_at == due
        services.attempt_submit(attempt=attempt)
        with pytest.raises(services.AttemptRefused, match="closed") as caught:
            services.attempt_start(learner_quiz=lq, now=due + timedelta(seconds=1))
        assert caught.value.code == "quiz_closed"


def test_answers_are_checked_against_the_attempts_questions(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor)
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        q = [str(u) for u in quiz.questions.values_list("uuid", flat=True)]
        for bad in ({"not-a-question": "x"}, {q[0]: ["no-such-option"]}, {q[0]: [option_id(quiz, 0, "Paris"),
                    option_id(quiz, 0, "Rome")]}, {q[3]: {"x": 1}}, {q[7]: "x" * 20_001}, "text"):
            with pytest.raises(ValidationError):
                services.attempt_answers_save(attempt=attempt, answers=bad)
        services.attempt_answers_save(attempt=attempt, answers={q[3]: "one"})
        services.attempt_answers_save(attempt=attempt, answers={q[4]: "2"})
        attempt.refresh_from_db()
        assert attempt.answers == {q[3]: "one", q[4]: "2"}  # merged
        services.attempt_answers_save(attempt=attempt, answers={q[4]: "3"}, replace=True)
        attempt.refresh_from_db()
        assert attempt.answers == {q[4]: "3"}


def test_shuffles_are_fixed_per_attempt(site_a, instructor, learner):
    with site_a:
        questions = [{"kind": "single_choice", "prompt": f"Q{i}", "options": [
            {"text": f"{i}-{j}", "correct": j == 0} for j in range(6)]} for i in range(8)]
        course, quiz, _ = build_quiz_course(author=instructor, questions=questions, shuffle_questions=True,
                                            shuffle_options=True)
        publish(course, instructor)
        enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        attempt = services.attempt_start(learner_quiz=lq).attempt
        assert sorted(attempt.question_order) == sorted(str(u) for u in quiz.questions.values_list("uuid", flat=True))
        view1 = selectors.attempt_for_learner(attempt=attempt, quiz=lq.quiz)
        view2 = selectors.attempt_for_learner(attempt=QuizAttempt.objects.get(pk=attempt.pk), quiz=lq.quiz)
        assert [q["uuid"] for q in view1["questions"]] == attempt.question_order == [q["uuid"] for q in view2["questions"]]
        for question in view1["questions"]:
            assert [o["id"] for o in question["options"]] == attempt.option_order[question["uuid"]]
        # 8! x 6!^8 layouts: the same order for all would not be a shuffle
        orders = {tuple(services.attempt_layout(lq.quiz)[0]) for _ in range(5)}
        assert len(orders) > 1


def test_attempts_are_pinned_to_the_learners_version(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[
            {"kind": "fill_blank", "prompt": "Word?", "answer": {"accepted": ["old"]}}])
        publish(course, instructor)
        enrollment = enroll(course, learner)
        services.question_update(question=quiz.questions.get(), answer={"accepted": ["new"]})
        services.quiz_update(quiz=quiz, title="Renamed in v2")
        publish(course, instructor)
        lq = _learner_quiz(course, quiz, learner)
        assert lq.version_number == 1 and lq.quiz["title"] == "Checkpoint"
        attempt = services.attempt_start(learner_quiz=lq).attempt
        assert attempt.version_number == 1
        attempt = services.attempt_submit(attempt=attempt, answers=answers_by_kind(quiz, q0="old"))
        assert attempt.score == Decimal("1.00")  # graded against version 1's answer
        enrollment.refresh_from_db()  # drop the course cached (with version 1 published) at enrollment
        course_services.enrollment_move_to_version(enrollment=enrollment)
        lq = _learner_quiz(course, quiz, learner)
        assert lq.version_number == 2
        second = services.attempt_start(learner_quiz=lq).attempt
        assert second.version_number == 2
        second = services.attempt_submit(attempt=second, answers=answers_by_kind(quiz, q0="old"))
        assert second.score == Decimal("0.00")


def test_essays_are_graded_by_a_teaching_assistant(site_a, instructor, learner):
    ta = site_a.make_user(role="teaching_assistant")
    other_ta = site_a.make_user(role="teaching_assistant")
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor)
        permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        attempt = services.attempt_submit(attempt=attempt, answers=perfect_answers(quiz))
        assert list(selectors.grading_queue(course=course)) == [attempt]
        essay = str(quiz.questions.get(kind="essay").uuid)
        with pytest.raises(ValidationError):
            services.attempt_grade(attempt=attempt, grader=other_ta, grades={essay: {"points": 5}})  # not on this course
        with pytest.raises(ValidationError):
            services.attempt_grade(attempt=attempt, grader=ta, grades={essay: {"points": 6}})  # above the maximum
        single = str(quiz.questions.get(position=1).uuid)
        with pytest.raises(ValidationError):
            services.attempt_grade(attempt=attempt, grader=ta, grades={single: {"points": 1}})  # not an essay
        attempt = services.attempt_grade(attempt=attempt, grader=ta, grades={essay: {"points": "4.5", "feedback": "Good."}})
        assert attempt.status == QuizAttempt.Status.GRADED and attempt.grader == ta and attempt.graded_at
        assert attempt.score == Decimal("12.50") and attempt.results[essay]["feedback"] == "Good."
        assert list(selectors.grading_queue(course=course)) == []


def test_empty_essays_score_zero_without_waiting(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[{"kind": "essay", "prompt": "Discuss"}])
        publish(course, instructor)
        enroll(course, learner)
        attempt = services.attempt_start(learner_quiz=_learner_quiz(course, quiz, learner)).attempt
        attempt = services.attempt_submit(attempt=attempt, answers=answers_by_kind(quiz, q0="   "))
        assert attempt.status == QuizAttempt.Status.GRADED and attempt.score == 0


def test_quiz_scores_for_course_gives_the_best_graded_attempt(site_a, instructor, learner):
    other = site_a.make_user(role="learner")
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[
            {"kind": "fill_blank", "prompt": "Word?", "answer": {"accepted": ["yes"]}},
            {"kind": "fill_blank", "prompt": "Word?", "answer": {"accepted": ["yes"]}}])
        publish(course, instructor)
        enroll(course, learner)
        enroll(course, other)
        lq = _learner_quiz(course, quiz, learner)
        services.attempt_submit(attempt=services.attempt_start(learner_quiz=lq).attempt, answers=answers_by_kind(quiz, q0="yes", q1="yes"))
        services.attempt_submit(attempt=services.attempt_start(learner_quiz=lq).attempt, answers=answers_by_kind(quiz, q0="yes"))
        services.attempt_start(learner_quiz=_learner_quiz(course, quiz, other))  # in progress: not a score
        scores = selectors.quiz_scores_for_course(course=course)
        assert list(scores) == [(learner.pk, quiz.uuid)]
        score, max_score, graded_at = scores[(learner.pk, quiz.uuid)]
        assert (score, max_score) == (Decimal("2.00"), Decimal("2.00")) and graded_at is not None


def test_dropped_learners_cannot_start(site_a, instructor, learner):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor)
        publish(course, instructor)
        enrollment = enroll(course, learner)
        lq = _learner_quiz(course, quiz, learner)
        course_services.enrollment_drop(enrollment=enrollment)
        assert _learner_quiz(course, quiz, learner) is None
        with pytest.raises(services.AttemptRefused):
            services.attempt_start(learner_quiz=lq)
