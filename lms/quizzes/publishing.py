"""The quiz provider of the publishing contract (lms/courses/content.py).

The snapshot holds the quiz's settings and its questions WITH correct answers and
explanations: learners only ever receive it through selectors.question_for_learner and
friends, which strip what the reveal rule does not yet allow.
"""
from __future__ import annotations

from uuid import UUID

from django.urls import reverse

from . import selectors, services
from .models import Quiz


def draft_create(course, title: str, author=None) -> UUID:
    return services.quiz_create(course=course, title=title).uuid


def editor_url(course, ref_uuid) -> str:
    return reverse("quizzes:editor", kwargs={"slug": course.slug, "quiz_uuid": ref_uuid})


def validate_for_publish(ref_uuid) -> list[str]:
    quiz = Quiz.objects.filter(uuid=ref_uuid).prefetch_related("questions").first()
    if quiz is None:
        return ["The quiz no longer exists; add the quiz again."]
    return selectors.quiz_problems(quiz)


def snapshot(ref_uuid) -> dict:
    quiz = Quiz.objects.prefetch_related("questions").get(uuid=ref_uuid)
    return {
        "uuid": str(quiz.uuid),
        "title": quiz.title,
        "instructions": quiz.instructions,
        "attempts_allowed": quiz.attempts_allowed,
        "time_limit_minutes": quiz.time_limit_minutes,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "passing_percent": quiz.passing_percent,
        "show_answers": quiz.show_answers,
        "due_at": quiz.due_at.isoformat() if quiz.due_at else None,
        "questions": [
            {
                "uuid": str(q.uuid), "kind": q.kind, "prompt": q.prompt, "options": q.options, "answer": q.answer,
                "explanation": q.explanation, "points": str(q.points),
            }
            for q in quiz.questions.all()  # ordered by position
        ],
    }


def draft_restore(course, data: dict) -> UUID:
    return services.quiz_restore(course=course, data=data).uuid
