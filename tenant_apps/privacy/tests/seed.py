"""A learner with data in every export area, through the real services (call inside a tenant context).

Every value that belongs to the person carries their `mark`, so a test can tell whose data a
ZIP holds: the seeded learner's mark must be in it, another learner's never.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lms.assignments.tests.helpers import PDF_BYTES


@dataclass
class Classroom:
    """What learners share: a published course (text, quiz, assignment), a track with a file step, a campaign."""

    instructor: object
    course: object
    text: object
    quiz: object
    assignment: object
    track: object
    step: object
    campaign: object


@dataclass
class Seeded:
    user: object
    mark: str
    enrollment: object
    attempt: object
    submission: object
    submission_bytes: bytes
    step_submission: object
    step_bytes: bytes
    order: object
    pledge: object


def pdf_with(mark: str) -> bytes:
    return PDF_BYTES + f"% {mark}\n".encode()


def classroom_create(*, instructor) -> Classroom:
    from crowdfunding.models import Campaign
    from lms.assignments.tests.helpers import add_assignment
    from lms.courses import services as course_services
    from lms.quizzes import publishing as quiz_publishing
    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import Quiz
    from lms.quizzes.tests.factories import every_kind_questions
    from lms.tracks import services as track_services

    tag = secrets.token_hex(3)
    course = course_services.course_create(author=instructor, title=f"Export course {tag}", slug=f"export-{tag}")
    lesson = course_services.lesson_create(module=course_services.module_create(course=course, title="Week 1"),
                                           title="Lesson 1")
    text = course_services.item_create(lesson=lesson, kind="text", title="Reading", body="Read this.")
    quiz = Quiz.objects.get(uuid=quiz_publishing.draft_create(course, "Check", instructor))
    quiz_services.quiz_update(quiz=quiz, attempts_allowed=5)
    course_services.item_create(lesson=lesson, kind="quiz", title="Check", ref_uuid=quiz.uuid)
    for question in every_kind_questions():
        quiz_services.question_create(quiz=quiz, **question)
    assignment, _ = add_assignment(course, lesson, title="Essay")
    course_services.course_publish(course=course, author=instructor, change_note="first")
    track = track_services.track_create(author=instructor, title=f"Export track {tag}", free_order=True)
    track_services.track_add_course(track=track, course=course, actor=instructor)
    project = track_services.track_add_project(track=track, title="Capstone", actor=instructor)
    step = track_services.project_step_add(project=project.project, title="Hand in", instructions="A PDF.",
                                           deliverable="file", actor=instructor)
    track_services.track_update(track=track, actor=instructor, is_published=True)
    campaign = Campaign.objects.create(slug=f"export-drive-{tag}", title=f"Export drive {tag}", pitch="Books",
                                       goal_amount=100_000, currency="USD", deadline=timezone.now() + timezone.timedelta(days=9),
                                       state=Campaign.State.LIVE, published_at=timezone.now())
    return Classroom(instructor, course, text, quiz, assignment, track, step, campaign)


def learner_seed(*, room: Classroom, user, mark: str, amount: int) -> Seeded:
    from django.contrib.auth.models import User

    from billing.commerce.models import Order
    from crowdfunding.models import Pledge
    from lms.assignments import services as assignment_services
    from lms.courses import services as course_services
    from lms.quizzes import selectors as quiz_selectors
    from lms.quizzes import services as quiz_services
    from lms.quizzes.tests.factories import perfect_answers
    from lms.tracks import services as track_services
    from tenants.api import audit_log

    User.objects.filter(pk=user.pk).update(first_name="Lee", last_name=mark)
    user.refresh_from_db()
    enrollment = course_services.enrollment_create(course=room.course, learner=user)
    course_services.progress_item_complete(enrollment=enrollment, item_uuid=room.text.uuid)
    learner_quiz = quiz_selectors.learner_quiz_get(learner=user, course=room.course, quiz_uuid=room.quiz.uuid)
    attempt = quiz_services.attempt_start(learner_quiz=learner_quiz).attempt
    answers = perfect_answers(room.quiz)
    answers[str(room.quiz.questions.order_by("position").last().uuid)] = f"{mark} essay answer"
    quiz_services.attempt_submit(attempt=attempt, answers=answers)
    data = pdf_with(mark)
    submission = assignment_services.submission_create(
        learner=user, course=room.course, assignment_uuid=room.assignment.uuid, text=f"{mark} submission text",
        upload=SimpleUploadedFile("essay.pdf", data, content_type="application/pdf"))
    assignment_services.grade_save(submission=submission, grader=room.instructor, points=8, feedback=f"{mark} feedback")
    assignment_services.grades_post(assignment=room.assignment, actor=room.instructor)
    track_services.track_enroll(track=room.track, learner=user)
    step_data = pdf_with(f"{mark}-step")
    step_submission = track_services.step_submit(
        step=room.step, learner=user, file=SimpleUploadedFile("deliverable.pdf", step_data, content_type="application/pdf"))
    order = Order.objects.create(
        number=f"R-8{secrets.randbelow(10**5):05d}", buyer=user, buyer_email=user.email, buyer_name=f"{mark} buyer",
        status=Order.Status.PAID, product_kind="course", product_ref=str(room.course.uuid), description=f"{mark} order",
        currency="USD", subtotal_amount=amount, total_amount=amount, paid_at=timezone.now())
    pledge = Pledge.objects.create(campaign=room.campaign, backer=user, amount=amount + 100, currency="USD",
                                   status=Pledge.Status.COLLECTED, status_note=f"{mark} pledge", collected_at=timezone.now(),
                                   order_number=order.number)
    audit_log(action="account.test", target=user, actor=user, after={"note": f"{mark} audited"})
    return Seeded(user, mark, enrollment, attempt, submission, data, step_submission, step_data, order, pledge)
