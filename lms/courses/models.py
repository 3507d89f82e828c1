"""Courses as authored (draft), as published (immutable versions), and as learned.

Instructors edit the draft tree Course -> Module -> Lesson -> ContentItem. Publishing
freezes the whole tree into one CourseVersion row (`snapshot`, JSON) in one transaction;
learners only ever read snapshots, so draft content cannot leak to them, and a learner
pinned to version N keeps reading N. Stable `uuid`s on lessons and items tie progress and
attempts to the same content across versions.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class Course(models.Model):
    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Visibility(models.TextChoices):
        LISTED = "listed", "Listed in the catalog"
        UNLISTED = "unlisted", "Unlisted (link only)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True, help_text="Markdown")
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.BEGINNER)
    estimated_minutes = models.PositiveIntegerField(null=True, blank=True)
    cover = models.FileField(upload_to="course-covers/", blank=True)
    tags = models.JSONField(default=list, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    enrollment_opens_at = models.DateTimeField(null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.LISTED)
    # Reserved for paid enrollment (billing issue): minor units + ISO currency; 0 = free.
    price_amount = models.PositiveIntegerField(default=0)
    price_currency = models.CharField(max_length=3, default="USD")
    # What learners see: the current published version (null = never published or unpublished).
    published_version = models.ForeignKey(
        "courses.CourseVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        permissions = [
            ("publish_course", "Can publish and roll back the course"),
            ("grade_course", "Can grade the course's learners"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_version_id is not None

    @property
    def is_free(self) -> bool:
        return self.price_amount == 0


class Module(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ContentItem(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Rich text"
        VIDEO = "video", "Video"
        FILE = "file", "File"
        LINK = "link", "External link"
        QUIZ = "quiz", "Quiz"
        ASSIGNMENT = "assignment", "Assignment"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="items")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    body = models.TextField(blank=True, help_text="Markdown (text items)")
    url = models.URLField(blank=True, max_length=1000, help_text="Video or external link")
    file = models.FileField(upload_to="course-files/", blank=True)
    # Quiz / assignment items point at the draft object in its own app by uuid.
    ref_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class CourseVersion(models.Model):
    """An immutable published version: the whole course as learners see it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    # A small read model of the snapshot for lists (catalog, dashboard, deadlines), written at
    # publish: reading it never decompresses the whole course. See services.version_digest.
    digest = models.JSONField(default=dict)
    change_note = models.CharField(max_length=500, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="Summary of what changed since the previous version")
    rolled_back_from = models.PositiveIntegerField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["course", "-number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="course_version_number_unique")]

    def __str__(self) -> str:
        return f"{self.course} v{self.number}"


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        DROPPED = "dropped", "Dropped"

    class Source(models.TextChoices):
        SELF = "self", "Self-enrolled"
        STAFF = "staff", "Enrolled by staff"
        PAYMENT = "payment", "Paid"
        # a seat funded by a scholarship campaign (crowdfunding), awarded by staff
        SCHOLARSHIP = "scholarship", "Scholarship"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF)
    note = models.CharField(max_length=500, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_item_uuid = models.UUIDField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["course", "learner"], name="enrollment_unique_learner")]

    def __str__(self) -> str:
        return f"{self.learner} in {self.course}"


class ItemProgress(models.Model):
    """A learner's state on one content item, made against a given version."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="item_progress")
    item_uuid = models.UUIDField()
    version_number = models.PositiveIntegerField()
    completed_at = models.DateTimeField(null=True, blank=True)
    video_position_seconds = models.PositiveIntegerField(default=0)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "item_uuid"], name="item_progress_unique")]
