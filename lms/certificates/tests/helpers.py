"""Builders for certificate tests (call inside a tenant context): a course with readings, two
quizzes and an assignment, certificate rules in its draft, published; grades seeded."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from lms.assignments import services as assignment_services
from lms.assignments.tests.helpers import add_assignment
from lms.certificates import services
from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.quizzes import publishing as quiz_publishing
from lms.quizzes import services as quiz_services
from lms.quizzes.models import Quiz, QuizAttempt


@dataclass
class World:
    course: object
    quizzes: list
    quiz_items: list
    assignment: object
    readings: list
    instructor: object


def build_world(*, instructor, title: str = "Certified Course", rules: dict | None = None, publish: bool = True) -> World:
    course = course_services.course_create(author=instructor, title=title)
    module = course_services.module_create(course=course, title="Module 1")
    lesson = course_services.lesson_create(module=module, title="Lesson 1")
    readings = [course_services.item_create(lesson=lesson, kind="text", title=f"Reading {i}", body="Read.")
                for i in (1, 2)]
    quizzes, quiz_items = [], []
    for n in (1, 2):
        quiz = Quiz.objects.get(uuid=quiz_publishing.draft_create(course, f"Quiz {n}", instructor))
        quiz_services.question_create(quiz=quiz, kind="true_false", prompt="True?", points=10,
                                      answer={"correct": True})
        quiz_items.append(course_services.item_create(lesson=lesson, kind="quiz", title=f"Quiz {n}", ref_uuid=quiz.uuid))
        quizzes.append(quiz)
    assignment, _ = add_assignment(course, lesson, title="Essay", points=20)
    world = World(course, quizzes, quiz_items, assignment, readings, instructor)
    if rules is not None:
        services.course_rules_update(course=course, rules=rules, actor=instructor)
    if publish:
        course_services.course_publish(course=course, author=instructor, change_note="v1")
        course.refresh_from_db()
    return world


def all_rules(world: World, **overrides) -> dict:
    """Every kind of rule: 100 % completion, both quizzes ≥ 60 %, the essay ≥ 50 %."""
    return {
        "enabled": True, "min_completion_percent": 100,
        "quizzes": [{"uuid": str(q.uuid), "min_percent": 60} for q in world.quizzes],
        "assignments": [{"uuid": str(world.assignment.uuid), "min_percent": 50}],
    } | overrides


def enroll(world: World, learner) -> Enrollment:
    enrollment = course_services.enrollment_create(course=world.course, learner=learner)
    return Enrollment.objects.select_related("version", "course", "learner").get(pk=enrollment.pk)


def quiz_graded(world: World, learner, index: int, score: int, max_score: int = 10) -> QuizAttempt:
    """A seeded graded attempt (the next number) of quiz `index`."""
    quiz, item = world.quizzes[index], world.quiz_items[index]
    number = QuizAttempt.objects.filter(learner=learner, quiz_uuid=quiz.uuid).count() + 1
    now = timezone.now()
    return QuizAttempt.objects.create(
        learner=learner, course=world.course, quiz_uuid=quiz.uuid, item_uuid=item.uuid,
        version_number=world.course.published_version.number, number=number, started_at=now, submitted_at=now,
        status=QuizAttempt.Status.GRADED, score=Decimal(score), max_score=Decimal(max_score), graded_at=now)


def essay_graded(world: World, learner, points: int, *, grader=None):
    submission = assignment_services.submission_create(
        learner=learner, course=world.course, assignment_uuid=world.assignment.uuid, text="My essay")
    return assignment_services.grade_save(submission=submission, grader=grader or world.instructor, points=points,
                                          post=True)


def complete_everything(world: World, enrollment) -> None:
    for item in world.readings + world.quiz_items:
        course_services.progress_item_complete(enrollment=enrollment, item_uuid=item.uuid)
    enrollment.refresh_from_db()


def fresh(enrollment) -> Enrollment:
    return Enrollment.objects.select_related("version", "course", "learner").get(pk=enrollment.pk)
