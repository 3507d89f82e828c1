"""What tracks hold about a person: track enrollments, project step submissions (with files)."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, rows, stored_files


def tracks_export(user) -> ExportPart:
    from .models import StepSubmission, Track, TrackEnrollment

    steps = StepSubmission.objects.filter(learner=user).order_by("submitted_at")
    return ExportPart(
        records=[
            *({"kind": "track_enrollment", **r} for r in rows(TrackEnrollment.objects.filter(learner=user),
                                                               ("track__slug", "track__title", "source", "created_at"))),
            *({"kind": "project_step_submission", **r} for r in rows(steps, (
                "uuid", "step__project__title", "step__title", "url", "text", "file", "status", "feedback",
                "submitted_at", "reviewed_at"))),
            *({"kind": "track_created", **r} for r in rows(Track.objects.filter(created_by=user), ("slug", "title"))),
            *({"kind": "step_reviewed_by_you", **r} for r in rows(
                StepSubmission.objects.filter(reviewed_by=user).exclude(learner=user), ("uuid", "reviewed_at"))),
        ],
        files=stored_files(steps, "file", folder="files"),
    )


def tracks_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their track enrollments and project step submissions are deleted (files in the files step);
    tracks they created and reviews they gave stay, on the anonymised account."""
    from .models import StepSubmission, TrackEnrollment

    steps = StepSubmission.objects.filter(learner=user)
    files += [name for name in steps.exclude(file="").values_list("file", flat=True)]
    _, submissions = steps.delete()
    _, enrollments = TrackEnrollment.objects.filter(learner=user).delete()
    return {"step_submissions_deleted": submissions.get(StepSubmission._meta.label, 0),
            "track_enrollments_deleted": enrollments.get(TrackEnrollment._meta.label, 0)}


def tracks_last_activity(user_ids: list[int]) -> dict:
    from .models import StepSubmission, TrackEnrollment

    latest = latest_by_user(TrackEnrollment.objects.filter(learner_id__in=user_ids), "learner_id", "created_at")
    for user_id, when in latest_by_user(StepSubmission.objects.filter(learner_id__in=user_ids), "learner_id",
                                        "submitted_at").items():
        latest[user_id] = max(when, latest.get(user_id, when))
    return latest


TRACKS = PrivacyProvider(
    area="tracks", title="Tracks and project submissions",
    holdings=(
        Holding("tracks.TrackEnrollment", fields=("learner",)),
        Holding("tracks.StepSubmission", fields=("learner", "reviewed_by"), files=("file",)),
        Holding("tracks.Track", fields=("created_by",)),
    ),
    export=tracks_export, erase=tracks_erase, last_activity=tracks_last_activity, order=250,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(TRACKS)
