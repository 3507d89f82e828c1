"""Course discussions. Tenant schema.

A course has forums; a forum has threads; a thread's first post (`is_opening`) carries its
body, the other posts are replies. One level of nesting: a reply's `parent` is empty (it
answers the thread) or a top-level reply, never a reply to a reply (services refuse it).
Post bodies are Markdown, rendered and sanitised once when written (`body_html`), so a long
thread page renders without running Markdown per reply. `course` is copied onto threads and
posts so every read filters by the course in one index.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

SEARCH_CONFIG = "english"


class Forum(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="forums")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown")
    position = models.PositiveIntegerField(default=0)
    allow_anonymous = models.BooleanField(default=False, help_text="Learners may post without their name (staff still see it).")
    is_graded = models.BooleanField(default=False)
    points = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1), MaxValueValidator(100_000)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Thread(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="threads")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    answer = models.ForeignKey("discussions.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reply_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField()

    class Meta:
        ordering = ["-is_pinned", "-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["forum", "-is_pinned", "-last_activity_at"], name="discussion_thread_list"),
            GinIndex(SearchVector("title", config=SEARCH_CONFIG), name="discussion_thread_search"),
        ]

    def __str__(self) -> str:
        return self.title


class Post(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", "Visible"
        HIDDEN = "hidden", "Hidden by staff"
        DELETED = "deleted", "Deleted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_opening = models.BooleanField(default=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    is_anonymous = models.BooleanField(default=False)
    body = models.TextField(help_text="Markdown")
    body_html = models.TextField(help_text="body rendered and sanitised")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.VISIBLE)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    vote_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "parent", "created_at"], name="discussion_post_thread"),
            GinIndex(SearchVector("body", config=SEARCH_CONFIG), name="discussion_post_search"),
        ]

    def __str__(self) -> str:
        return f"post {self.uuid}"


class Vote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="discussion_vote_once")]


class Subscription(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="discussion_subscription_once")]


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], condition=models.Q(status="open"),
                                               name="discussion_report_open_once")]
        indexes = [models.Index(fields=["course", "status"], name="discussion_report_queue")]


class DiscussionGrade(models.Model):
    """A staff member's grade of one learner's participation in a graded forum (shown in the gradebook)."""

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="grades")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    points = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    feedback = models.TextField(blank=True)
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    graded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["forum", "learner"], name="discussion_grade_once")]
