"""A live session of a course: a scheduled event (video call, webinar) with a join link."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models


class LiveSession(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    join_url = models.URLField(max_length=1000, validators=[URLValidator(schemes=["https"])],
                               help_text="The https link learners open to join.")
    description = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Calendar clients update an event whose SEQUENCE grows: bumped whenever its times change.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["course", "starts_at"], name="live_session_course_start"),
                   models.Index(fields=["starts_at"], name="live_session_start")]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="live_session_ends_after_start")]

    def __str__(self) -> str:
        return self.title
