"""Quizzes: the draft staff edit (Quiz, Question) and the attempts learners make.

Learners never read Quiz/Question rows: they take the quiz from the course version their
enrollment is pinned to (the snapshot written by `publishing.snapshot`), so an attempt
records `quiz_uuid` and `version_number` rather than a foreign key to the draft. Question
ids inside `answers`, `question_order` and `results` are the questions' stable uuids.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class ShowAnswers(models.TextChoices):
    NEVER = "never", "Never"
    AFTER_SUBMISSION = "after_submission", "After each submitted attempt"
    AFTER_DUE_DATE = "after_due_date", "After the due date"


class Quiz(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown")
    attempts_allowed = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty for unlimited attempts."
    )
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text="Empty for no time limit.",
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=False)
    passing_percent = models.PositiveSmallIntegerField(default=60, validators=[MaxValueValidator(100)])
    show_answers = models.CharField(max_length=20, choices=ShowAnswers.choices, default=ShowAnswers.AFTER_SUBMISSION)
    due_at = models.DateTimeField(null=True, blank=True, help_text="No attempt can start or run past it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        TRUE_FALSE = "true_false", "True / false"
        FILL_BLANK = "fill_blank", "Fill in the blank"
        NUMERIC = "numeric", "Numeric"
        SHORT_ANSWER = "short_answer", "Short answer"
        ESSAY = "essay", "Essay (graded by hand)"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField(help_text="Markdown")
    # Choice kinds: [{"id": "o1a2b3c4", "text": "..."}]; empty for the others.
    options = models.JSONField(default=list, blank=True)
    # Per kind, see services.question_create: {"correct": [ids]}, {"accepted": [...]},
    # {"value": n, "tolerance": t}, {"mode": "exact"|"pattern", ...}, {"guidance": "..."}.
    answer = models.JSONField(default=dict, blank=True)
    explanation = models.TextField(blank=True, help_text="Markdown, shown with the correct answer")
    points = models.DecimalField(max_digits=6, decimal_places=2, default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.prompt[:40]}"


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"  # reserved: submitted and not yet scored (scoring is synchronous today)
        NEEDS_GRADING = "needs_grading", "Waiting for grading"
        GRADED = "graded", "Graded"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    quiz_uuid = models.UUIDField()
    item_uuid = models.UUIDField(help_text="The course content item that embeds the quiz")
    version_number = models.PositiveIntegerField(help_text="The course version the attempt was made against")
    number = models.PositiveIntegerField(help_text="1 for the learner's first attempt at this quiz, and so on")
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField(null=True, blank=True, help_text="Answers after it (plus a short grace) are refused")
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_by_deadline = models.BooleanField(default=False, help_text="Time ran out: only answers saved in time were scored")
    answers = models.JSONField(default=dict, blank=True)
    answers_saved_at = models.DateTimeField(null=True, blank=True)
    question_order = models.JSONField(default=list, blank=True)
    option_order = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    # {question_uuid: {"points": "1.00" | None, "max_points": "1.00", "correct": bool | None,
    #                  "needs_grading": bool, "feedback": ""}}
    results = models.JSONField(default=dict, blank=True)
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "quiz_uuid", "number"], name="quiz_attempt_number_unique"),
            # One open attempt per learner and quiz, whatever the races between two "start" clicks.
            models.UniqueConstraint(
                fields=["learner", "quiz_uuid"], condition=Q(status="in_progress"), name="quiz_attempt_one_open",
            ),
        ]
        indexes = [
            models.Index(fields=["course", "status"], name="quiz_attempt_course_status"),
            models.Index(fields=["course", "quiz_uuid"], name="quiz_attempt_course_quiz"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · quiz {self.quiz_uuid} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return float(self.score * 100 / self.max_score)
