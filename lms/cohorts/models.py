"""Cohorts (sections) of a course or a track, and trainers: course or track staff each assigned
a bounded number of its learners.

Every row belongs to exactly one course or one track (the "scope"). A learner has at most one
trainer per scope; a trainer holds at most `max_learners_per_trainer` learners of a scope
(TrainerSetting: per course or track, else the institution's default row, else 20). Writes
that could cross the cap lock the scope's row first (services.py), so two enrollments at the
cap cannot both take the last place.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

DEFAULT_MAX_LEARNERS = 20
ONE_SCOPE = (Q(course__isnull=False, track__isnull=True) | Q(course__isnull=True, track__isnull=False))


class Cohort(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey("tracks.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    starts_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="cohort_one_scope"),
            models.UniqueConstraint(fields=["course", "name"], condition=Q(course__isnull=False),
                                    name="cohort_course_name_unique"),
            models.UniqueConstraint(fields=["track", "name"], condition=Q(track__isnull=False),
                                    name="cohort_track_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class CohortMember(models.Model):
    """A learner (enrolled in the cohort's course or track) in one cohort of it."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="members")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["cohort", "learner"], name="cohort_member_unique")]


class TrainerSetting(models.Model):
    """How many learners one trainer takes: per course, per track, or the institution's default
    (both empty; at most one such row)."""

    course = models.OneToOneField("courses.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    track = models.OneToOneField("tracks.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    is_default = models.BooleanField(default=False)  # the institution's default
    max_learners_per_trainer = models.PositiveSmallIntegerField(
        default=DEFAULT_MAX_LEARNERS, validators=[MinValueValidator(1), MaxValueValidator(1000)])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(is_default=True, course__isnull=True, track__isnull=True)
                           | Q(is_default=False, course__isnull=False, track__isnull=True)
                           | Q(is_default=False, course__isnull=True, track__isnull=False)),
                name="trainer_setting_scope"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="trainer_setting_one_default"),
        ]


class TrainerAssignment(models.Model):
    class Source(models.TextChoices):
        AUTO = "auto", "On enrollment"
        MANUAL = "manual", "By staff"
        REBALANCE = "rebalance", "Rebalanced"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey("tracks.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTO)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=ONE_SCOPE, name="trainer_assignment_one_scope"),
            models.UniqueConstraint(fields=["course", "learner"], condition=Q(course__isnull=False),
                                    name="trainer_assignment_course_learner_unique"),
            models.UniqueConstraint(fields=["track", "learner"], condition=Q(track__isnull=False),
                                    name="trainer_assignment_track_learner_unique"),
        ]
        indexes = [models.Index(fields=["course", "trainer"]), models.Index(fields=["track", "trainer"])]
