"""Snapshots of assignments in a course version, and the rules they carry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from django.utils.dateparse import parse_datetime
from ..models import Assignment, Submission
from ..rubric import rubric_max_points


CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# --- snapshots and the rules they carry ----------------------------------------------------


def assignment_snapshot(assignment: Assignment) -> dict:
    return {
        "uuid": str(assignment.uuid),
        "title": assignment.title,
        "instructions": assignment.instructions,
        "points": assignment.points,
        "due_at": assignment.due_at.isoformat() if assignment.due_at else None,
        "accept_late": assignment.accept_late,
        "penalty_percent_per_day": str(assignment.penalty_percent_per_day),
        "max_late_days": assignment.max_late_days,
        "submission_types": list(assignment.submission_types),
        "allowed_file_types": list(assignment.allowed_file_types),
        "max_file_mb": assignment.max_file_mb,
        "max_submissions": assignment.max_submissions,
        "rubric": assignment.rubric,
        "grade_posting": assignment.grade_posting,
        "category": {"uuid": str(assignment.category.uuid), "name": assignment.category.name} if assignment.category else None,
    }


def assignment_publish_problems(assignment: Assignment) -> list[str]:
    problems = []
    if not assignment.title.strip():
        problems.append("The assignment needs a title.")
    if not assignment.instructions.strip():
        problems.append("Write the instructions.")
    if assignment.points <= 0:
        problems.append("The assignment must be worth more than 0 points.")
    if not assignment.submission_types:
        problems.append("Choose at least one way to hand in work (file, text or link).")
    if "file" in assignment.submission_types and not assignment.allowed_file_types:
        problems.append("Choose the file types learners may upload.")
    if assignment.rubric:
        for criterion in assignment.rubric:
            too_high = [lv["label"] for lv in criterion["levels"] if lv["points"] > assignment.points]
            if too_high:
                problems.append(f"Rubric “{criterion['criterion']}”: levels worth more than the assignment's "
                                f"{assignment.points} points ({', '.join(too_high)}).")
        top = rubric_max_points(assignment.rubric)
        if top > assignment.points:
            problems.append(f"The rubric's best levels add up to {top} points, more than the assignment's {assignment.points}.")
    return problems


def assignment_in_snapshot(snapshot: dict, assignment_uuid) -> tuple[dict, dict] | None:
    """(content item, assignment data) of an assignment in a version's snapshot, or None."""
    wanted = str(assignment_uuid)
    for module in snapshot.get("modules", []):
        for lesson in module["lessons"]:
            for item in lesson["items"]:
                if item["kind"] == "assignment" and item.get("ref_uuid") == wanted and item.get("data"):
                    return item, item["data"]
    return None


def snapshot_assignment_items(snapshot: dict | None, kind: str = "assignment") -> list[dict]:
    """Assignment (or quiz) items of a version in course order, each {uuid, ref_uuid, title, data}."""
    found = []
    for module in (snapshot or {}).get("modules", []):
        for lesson in module["lessons"]:
            for item in lesson["items"]:
                if item["kind"] == kind and item.get("ref_uuid"):
                    found.append(item)
    return found


@dataclass(frozen=True)
class Rules:
    title: str
    instructions: str
    points: int
    due_at: datetime | None
    accept_late: bool
    penalty_percent_per_day: Decimal
    max_late_days: int | None
    submission_types: list[str]
    allowed_file_types: list[str]
    max_file_mb: int
    max_submissions: int | None
    rubric: list[dict]
    grade_posting: str


def spec_rules(spec: dict) -> Rules:
    return Rules(
        title=spec["title"], instructions=spec.get("instructions", ""), points=int(spec["points"]),
        due_at=parse_datetime(spec["due_at"]) if spec.get("due_at") else None,
        accept_late=bool(spec.get("accept_late")),
        penalty_percent_per_day=Decimal(spec.get("penalty_percent_per_day") or "0"),
        max_late_days=spec.get("max_late_days"),
        submission_types=list(spec.get("submission_types") or []),
        allowed_file_types=list(spec.get("allowed_file_types") or []),
        max_file_mb=int(spec.get("max_file_mb") or 10),
        max_submissions=spec.get("max_submissions"),
        rubric=list(spec.get("rubric") or []),
        grade_posting=spec.get("grade_posting") or Assignment.Posting.MANUAL,
    )


def assignment_spec_for_submission(submission: Submission) -> dict:
    """The assignment as published in the version the submission was made against."""
    version = submission.course.versions.filter(number=submission.version_number).only("snapshot").first()
    found = assignment_in_snapshot(version.snapshot, submission.assignment_uuid) if version else None
    if found is not None:
        return found[1]
    assignment = Assignment.objects.select_related("category").get(uuid=submission.assignment_uuid)
    return assignment_snapshot(assignment)
