"""Limits and refusals shared by quiz authoring and attempts."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..models import QuizAttempt


GRACE = timedelta(seconds=5)
TRUE_FALSE_OPTIONS = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
MAX_OPTIONS = 20
MAX_OPTION_LENGTH = 500
MAX_VARIANTS = 30
MAX_VARIANT_LENGTH = 200
MAX_TEXT_ANSWER = 500
MAX_ESSAY = 20_000
MAX_POINTS = Decimal("1000")
QUIZ_FIELDS = {"title", "instructions", "attempts_allowed", "time_limit_minutes", "shuffle_questions", "shuffle_options",
               "passing_percent", "show_answers", "due_at"}


class AttemptRefused(Exception):
    """The attempt cannot do this now (attempts used up, quiz closed, already submitted): 409."""

    def __init__(self, message: str, *, code: str = "conflict"):
        super().__init__(message)
        self.message, self.code = message, code


class TimeUp(AttemptRefused):
    """Answers arrived after the deadline: refused; the attempt is closed with what was saved."""

    def __init__(self, attempt: QuizAttempt | None = None):
        super().__init__("Time is up: these answers were not accepted. The attempt was scored with the answers saved "
                         "before the deadline.", code="time_up")
        self.attempt = attempt


class QuizInUse(AttemptRefused):
    pass


# --- staff: the draft quiz -------------------------------------------------------------------
