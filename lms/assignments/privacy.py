"""What assignments hold about a person: submissions with their files, grades and feedback,
grade changes; and what they graded."""
from __future__ import annotations

from tenant_apps.privacy.api import (
    ExportPart,
    Holding,
    PrivacyProvider,
    latest_by_user,
    privacy_not_personal,
    rows,
    stored_files,
)


def submissions_export(user) -> ExportPart:
    from .models import Submission

    mine = Submission.objects.filter(learner=user).order_by("submitted_at", "pk")
    return ExportPart(
        records=rows(mine, ("uuid", "course__slug", "assignment_uuid", "attempt", "version_number", "text", "url",
                            "file_name", "file_type", "file_size", "submitted_at", "late_days")),
        files=stored_files(mine, "file", folder="files", name_field="file_name"),
    )


def grades_export(user) -> ExportPart:
    from .models import Grade, GradeChange

    posted = Grade.objects.filter(submission__learner=user, status=Grade.Status.POSTED)
    records = [{"kind": "grade", **r} for r in rows(posted.order_by("posted_at"), (
        "submission__uuid", "submission__course__slug", "max_points", "points_awarded", "late_penalty", "final_points",
        "rubric_selections", "feedback", "posted_at"))]
    records += [{"kind": "grade_change", **r} for r in rows(
        GradeChange.objects.filter(grade__submission__learner=user, new_status=Grade.Status.POSTED).order_by("changed_at"),
        ("grade__submission__uuid", "changed_at", "old_final_points", "new_final_points", "reason"))]
    records += [{"kind": "graded_by_you", **r} for r in rows(
        Grade.objects.filter(grader=user).exclude(submission__learner=user), ("submission__uuid", "updated_at"))]
    return ExportPart(records=records)


def grades_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Grades of their submissions (and the changes) are deleted: the gradebook goes on without them.
    Grades they gave keep the anonymised grader."""
    from .models import Grade, GradeChange

    _, deleted = Grade.objects.filter(submission__learner=user).delete()
    return {"grades_deleted": deleted.get(Grade._meta.label, 0), "grade_changes_deleted": deleted.get(GradeChange._meta.label, 0)}


def submissions_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their submissions are deleted; the stored files go in the pipeline's files step (after commit)."""
    from .models import Submission

    mine = Submission.objects.filter(learner=user)
    files += [name for name in mine.exclude(file="").values_list("file", flat=True)]
    _, deleted = mine.delete()
    return {"submissions_deleted": deleted.get(Submission._meta.label, 0)}


def submissions_last_activity(user_ids: list[int]) -> dict:
    from .models import Submission

    return latest_by_user(Submission.objects.filter(learner_id__in=user_ids), "learner_id", "submitted_at")


SUBMISSIONS = PrivacyProvider(
    area="submissions", title="Assignment submissions and their files",
    holdings=(Holding("assignments.Submission", fields=("learner", "file_name"), files=("file",)),),
    export=submissions_export, erase=submissions_erase, last_activity=submissions_last_activity, order=270,
)
GRADES = PrivacyProvider(
    area="grades", title="Grades and feedback",
    holdings=(Holding("assignments.Grade", fields=("grader",)), Holding("assignments.GradeChange", fields=("changed_by",))),
    export=grades_export, erase=grades_erase, order=260,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(SUBMISSIONS)
    privacy_provider_register(GRADES)
    privacy_not_personal("assignments.GradeCategory", ("name",), "gradebook category names")
