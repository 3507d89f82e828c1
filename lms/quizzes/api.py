"""Front door of `lms.quizzes`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from .demo import demo_quiz_add
from .selectors import quiz_scores_for_course

__all__ = [
    "demo_quiz_add",
    "quiz_scores_for_course",
]
