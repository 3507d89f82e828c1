"""Writes for quizzes: staff editing the draft, learners' attempts, essay grading.

Policies (also shown on the pages):
- Time limit: `deadline_at` = start + time limit, and never later than the quiz's due date.
  Answers saved or submitted after `deadline_at` + GRACE are refused; the attempt is then
  closed and scored with the answers saved in time (`closed_by_deadline`). Overdue attempts
  are also closed when their learner or staff next look, and by a task queued for the
  deadline.
- Due date: no attempt can start once it has passed.
- Attempts allowed counts every attempt at the quiz, across course versions.
- Completion: the quiz's content item is marked complete for the learner when an attempt is
  submitted (passed or not; pass/fail is part of the grade, not of progress).
- Multiple choice scoring: partial credit, right minus wrong (see grading.py).
"""
from .attempts import attempt_answers_save, attempt_close_if_overdue, attempt_grade, attempt_layout, attempt_start, attempt_submit, attempts_close_overdue
from .authoring import question_create, question_delete, question_move, question_reorder, question_update, quiz_create, quiz_delete, quiz_restore, quiz_update
from .policy import AttemptRefused, GRACE, MAX_ESSAY, MAX_OPTIONS, MAX_OPTION_LENGTH, MAX_POINTS, MAX_TEXT_ANSWER, MAX_VARIANTS, MAX_VARIANT_LENGTH, QUIZ_FIELDS, QuizInUse, TRUE_FALSE_OPTIONS, TimeUp

__all__ = [
    "AttemptRefused",
    "GRACE",
    "MAX_ESSAY",
    "MAX_OPTIONS",
    "MAX_OPTION_LENGTH",
    "MAX_POINTS",
    "MAX_TEXT_ANSWER",
    "MAX_VARIANTS",
    "MAX_VARIANT_LENGTH",
    "QUIZ_FIELDS",
    "QuizInUse",
    "TRUE_FALSE_OPTIONS",
    "TimeUp",
    "attempt_answers_save",
    "attempt_close_if_overdue",
    "attempt_grade",
    "attempt_layout",
    "attempt_start",
    "attempt_submit",
    "attempts_close_overdue",
    "question_create",
    "question_delete",
    "question_move",
    "question_reorder",
    "question_update",
    "quiz_create",
    "quiz_delete",
    "quiz_restore",
    "quiz_update",
]
