"""A ready-made quiz for demo tenants (the run command's seed data): one question of each
kind, added to a lesson of a draft course. Publish the course afterwards."""
from __future__ import annotations

from lms.courses import api as course_services

from . import publishing, services
from .models import Quiz

DEMO_QUESTIONS = [
    {"kind": "single_choice", "prompt": "Which planet is known as the Red Planet?", "points": 1,
     "explanation": "Iron oxide on its surface gives Mars its colour.",
     "options": [{"text": "Mars", "correct": True}, {"text": "Venus"}, {"text": "Jupiter"}]},
    {"kind": "multiple_choice", "prompt": "Which of these are prime numbers?", "points": 2,
     "explanation": "2, 3 and 5 have no divisors other than 1 and themselves.",
     "options": [{"text": "2", "correct": True}, {"text": "3", "correct": True}, {"text": "4"}, {"text": "5", "correct": True}]},
    {"kind": "true_false", "prompt": "Water boils at 100 °C at sea level.", "points": 1, "answer": {"correct": True}},
    {"kind": "fill_blank", "prompt": "The chemical symbol for gold is ___.", "points": 1, "answer": {"accepted": ["Au"]}},
    {"kind": "numeric", "prompt": "What is π to two decimal places?", "points": 1,
     "answer": {"value": "3.14", "tolerance": "0.005"}},
    {"kind": "short_answer", "prompt": "What colour is a clear daytime sky? (one word)",
     "points": 1, "answer": {"mode": "pattern", "pattern": "blue|azure"}},
    {"kind": "essay", "prompt": "In a few sentences, explain why the sky is blue.", "points": 4,
     "answer": {"guidance": "Mentions scattering of shorter wavelengths (Rayleigh scattering) by air molecules."}},
]


def demo_quiz_add(*, lesson, author, title: str = "Check your understanding", **settings):
    """Create a draft quiz with DEMO_QUESTIONS and embed it in `lesson`; returns the content item."""
    course = lesson.module.course
    quiz = Quiz.objects.get(uuid=publishing.draft_create(course, title, author))
    services.quiz_update(quiz=quiz, **({"attempts_allowed": 3, "time_limit_minutes": 15, "passing_percent": 60} | settings))
    for question in DEMO_QUESTIONS:
        services.question_create(quiz=quiz, **question)
    return course_services.item_create(lesson=lesson, kind="quiz", title=title, ref_uuid=quiz.uuid)
