"""Tracks (programs): an ordered sequence of courses and projects.

The next item unlocks when the previous one is completed, unless the track is in free
order. A project has steps, each asking for one deliverable (URL, text or file) that staff
review.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Track(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")
    free_order = models.BooleanField(default=False, help_text="Learners may take the items in any order.")
    is_published = models.BooleanField(default=False)
    # Learner payments (billing): minor units + ISO currency; 0 = free. Buying a track gives its courses.
    price_amount = models.PositiveIntegerField(default=0)
    price_currency = models.CharField(max_length=3, default="USD")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        permissions = [
            ("publish_track", "Can publish the track and change its staff"),
            ("review_track", "Can review the track's project submissions"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price_amount == 0


class Project(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")

    def __str__(self) -> str:
        return self.title


class ProjectStep(models.Model):
    class Deliverable(models.TextChoices):
        URL = "url", "A link"
        TEXT = "text", "Text"
        FILE = "file", "A file"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    deliverable = models.CharField(max_length=8, choices=Deliverable.choices, default=Deliverable.URL)
    due_at = models.DateTimeField(null=True, blank=True, help_text="Optional: when the step is due (calendar, reminders).")
    # Calendar clients update an event whose SEQUENCE grows: bumped whenever the due date changes.
    due_sequence = models.PositiveIntegerField(default=0)
    due_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]


class TrackItem(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        PROJECT = "project", "Project"

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="items")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    project = models.OneToOneField(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="track_item")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="course", course__isnull=False, project__isnull=True)
                           | models.Q(kind="project", project__isnull=False, course__isnull=True)),
                name="track_item_kind_matches_target",
            )
        ]

    @property
    def title(self) -> str:
        """What learners see: a course's title as last published, never its draft."""
        if self.kind == self.Kind.PROJECT:
            return self.project.title
        version = self.course.published_version
        if version is None:
            return ""
        return (version.digest.get("course") or {}).get("title") or (version.snapshot.get("course") or {}).get("title", "")


class TrackEnrollment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", "Joined"
        PAYMENT = "payment", "Paid"
        SCHOLARSHIP = "scholarship", "Scholarship"  # a seat funded by a scholarship campaign

    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="enrollments")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.SELF)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="track_enrollments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track", "learner"], name="track_enrollment_unique")]


class StepSubmission(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REVISE = "revise", "Needs revision"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    step = models.ForeignKey(ProjectStep, on_delete=models.CASCADE, related_name="submissions")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="step_submissions")
    url = models.URLField(blank=True, max_length=1000)
    text = models.TextField(blank=True)
    file = models.FileField(upload_to="track-projects/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    feedback = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
