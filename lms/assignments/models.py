"""Assignments, learners' submissions, grades (draft until posted), their history, and the
gradebook's weighted categories. Tenant schema.

Staff edit the draft `Assignment` row; learners work against the assignment as frozen in the
course version they are pinned to (`CourseVersion.snapshot`, see publishing.py). A submission
therefore names its assignment by the stable `assignment_uuid` and records the version it was
made against, like `courses.ItemProgress` does.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# Kinds of file a learner may hand in, detected from the file's content (uploads.py).
FILE_TYPES = {
    "pdf": "PDF document",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "gif": "GIF image",
    "zip": "ZIP archive",
    "docx": "Word document (.docx)",
    "xlsx": "Excel workbook (.xlsx)",
    "pptx": "PowerPoint presentation (.pptx)",
    "txt": "Plain text (.txt, .csv, .md, source code)",
}
SUBMISSION_TYPES = {"file": "File upload", "text": "Text", "url": "Link (URL)"}
MAX_FILE_MB_LIMIT = 100


class GradeCategory(models.Model):
    """A weighted group of graded items in a course's gradebook (e.g. Homework 40 %)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="grade_categories")
    name = models.CharField(max_length=100)
    weight_percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "name"], name="grade_category_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight_percent} %)"


class Assignment(models.Model):
    class Posting(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic: a grade is visible as soon as it is saved"
        MANUAL = "manual", "Manual: grades stay drafts until staff post them"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True, help_text="Markdown")
    points = models.PositiveIntegerField(default=10, validators=[MaxValueValidator(100_000)])
    due_at = models.DateTimeField(null=True, blank=True)
    accept_late = models.BooleanField(default=False)
    penalty_percent_per_day = models.DecimalField(
        max_digits=5, decimal_places=2, default=0, validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent of the assignment's points deducted per day late.",
    )
    max_late_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Late submissions beyond this many days are refused; empty: no limit.",
    )
    submission_types = models.JSONField(default=list, blank=True, help_text="Any of: file, text, url")
    allowed_file_types = models.JSONField(default=list, blank=True, help_text=f"Any of: {', '.join(FILE_TYPES)}")
    max_file_mb = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(MAX_FILE_MB_LIMIT)],
    )
    max_submissions = models.PositiveSmallIntegerField(
        null=True, blank=True, default=1, validators=[MinValueValidator(1)], help_text="Empty: unlimited.",
    )
    # [{"criterion": str, "levels": [{"label": str, "points": int}, ...]}, ...]
    rubric = models.JSONField(default=list, blank=True)
    grade_posting = models.CharField(max_length=16, choices=Posting.choices, default=Posting.MANUAL)
    category = models.ForeignKey(GradeCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "title", "id"]

    def __str__(self) -> str:
        return self.title


def submission_upload_to(submission: "Submission", filename: str) -> str:
    """Stored under the tenant prefix (storage), then course and learner (who owns what is visible in the key)."""
    return f"assignments/{submission.course.uuid}/learner-{submission.learner_id}/{submission.uuid}/{filename}"


class Submission(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment_uuid = models.UUIDField(db_index=True)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="submissions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    version_number = models.PositiveIntegerField(help_text="The course version the learner worked against.")
    attempt = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=1000)
    file = models.FileField(upload_to=submission_upload_to, blank=True, max_length=500)
    file_name = models.CharField(max_length=255, blank=True, help_text="The name the learner's file had.")
    file_type = models.CharField(max_length=16, blank=True, help_text="Detected from the content: a FILE_TYPES key.")
    file_content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    late_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment_uuid", "learner", "attempt"], name="submission_unique_attempt"),
        ]
        indexes = [models.Index(fields=["course", "assignment_uuid"])]

    def __str__(self) -> str:
        return f"{self.learner} attempt {self.attempt}"


class Grade(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not visible to the learner)"
        POSTED = "posted", "Posted"

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="grade")
    max_points = models.PositiveIntegerField(help_text="The assignment's points in the learner's version.")
    points_awarded = models.DecimalField(max_digits=9, decimal_places=2, help_text="Before the late penalty.")
    # [{"criterion": str, "level_index": int | None, "level": str, "points": int | None}, ...]
    rubric_selections = models.JSONField(default=list, blank=True)
    points_overridden = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)
    late_penalty = models.DecimalField(max_digits=9, decimal_places=2, default=0)
    final_points = models.DecimalField(max_digits=9, decimal_places=2)
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.final_points}/{self.max_points} ({self.status})"

    @property
    def is_posted(self) -> bool:
        return self.status == self.Status.POSTED


class GradeChange(models.Model):
    """One change of what a learner can see: a grade posted, changed while posted, or withdrawn."""

    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    old_final_points = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    new_final_points = models.DecimalField(max_digits=9, decimal_places=2)
    old_status = models.CharField(max_length=8, choices=Grade.Status.choices)
    new_status = models.CharField(max_length=8, choices=Grade.Status.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.old_final_points} ({self.old_status}) -> {self.new_final_points} ({self.new_status})"


class QuizCategory(models.Model):
    """Which gradebook category a quiz of the course counts in (quizzes live in lms.quizzes)."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    quiz_uuid = models.UUIDField()
    category = models.ForeignKey(GradeCategory, on_delete=models.CASCADE, related_name="quizzes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "quiz_uuid"], name="quiz_category_unique")]
