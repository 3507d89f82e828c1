"""The assignment provider of the publishing contract (lms/courses/content.py).

A snapshot holds everything a learner is shown and every rule their submissions are judged by,
as JSON (decimals as strings, times in ISO 8601). Restoring a snapshot (rollback) rewrites the
same Assignment row when it still exists, so submissions and grades keep pointing at it.
"""
from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from lms.courses.api import Course

from . import selectors, services
from .models import Assignment, GradeCategory


def draft_create(course: Course, title: str, author: User | None = None) -> UUID:
    return services.assignment_create(course=course, title=title or "Assignment").uuid


def editor_url(course: Course, ref_uuid: UUID) -> str:
    return reverse("assignments:editor", kwargs={"slug": course.slug, "assignment_uuid": ref_uuid})


def validate_for_publish(ref_uuid: UUID) -> list[str]:
    assignment = Assignment.objects.filter(uuid=ref_uuid).first()
    if assignment is None:
        return ["The assignment no longer exists."]
    return selectors.assignment_publish_problems(assignment)


def snapshot(ref_uuid: UUID) -> dict:
    assignment = Assignment.objects.select_related("category").get(uuid=ref_uuid)
    return selectors.assignment_snapshot(assignment)


def draft_restore(course: Course, data: dict) -> UUID:
    fields = {
        "title": data["title"],
        "instructions": data.get("instructions", ""),
        "points": data["points"],
        "due_at": parse_datetime(data["due_at"]) if data.get("due_at") else None,
        "accept_late": data.get("accept_late", False),
        "penalty_percent_per_day": Decimal(data.get("penalty_percent_per_day") or "0"),
        "max_late_days": data.get("max_late_days"),
        "submission_types": data.get("submission_types", []),
        "allowed_file_types": data.get("allowed_file_types", []),
        "max_file_mb": data.get("max_file_mb", 10),
        "max_submissions": data.get("max_submissions"),
        "rubric": data.get("rubric", []),
        "grade_posting": data.get("grade_posting", Assignment.Posting.MANUAL),
        "category": GradeCategory.objects.filter(course=course, uuid=(data.get("category") or {}).get("uuid")).first()
        if data.get("category") else None,
    }
    existing = Assignment.objects.filter(uuid=data["uuid"]).first()
    if existing is not None and existing.course_id == course.pk:
        return services.assignment_update(assignment=existing, **fields).uuid
    assignment = services.assignment_create(course=course, **fields)
    if existing is None:  # keep the published identity so learners' work stays attached
        Assignment.objects.filter(pk=assignment.pk).update(uuid=data["uuid"])
        return UUID(str(data["uuid"]))
    return assignment.uuid
