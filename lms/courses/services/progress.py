"""A learner's progress through their pinned version: items visited and completed, the percent."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import Enrollment, ItemProgress


def snapshot_item_uuids(snapshot: dict) -> list[str]:
    return [item["uuid"] for m in snapshot["modules"] for lesson in m["lessons"] for item in lesson["items"]]


def _require_item(enrollment: Enrollment, item_uuid) -> str:
    item_uuid = str(item_uuid)
    if item_uuid not in snapshot_item_uuids(enrollment.version.snapshot):
        raise ValidationError("This item is not part of your version of the course.")
    if enrollment.status == Enrollment.Status.DROPPED:
        raise ValidationError("You dropped this course; enroll again to continue.")
    return item_uuid


def _recompute_progress(enrollment: Enrollment) -> None:
    uuids = snapshot_item_uuids(enrollment.version.snapshot)
    done = enrollment.item_progress.filter(item_uuid__in=uuids, completed_at__isnull=False).count()
    percent = int(done * 100 / len(uuids)) if uuids else 0
    enrollment.progress_percent = percent
    if percent == 100 and enrollment.status == Enrollment.Status.ACTIVE:
        enrollment.status, enrollment.completed_at = Enrollment.Status.COMPLETED, timezone.now()
    enrollment.save(update_fields=["progress_percent", "status", "completed_at"])


@transaction.atomic
def progress_item_complete(*, enrollment: Enrollment, item_uuid) -> ItemProgress:
    item_uuid = _require_item(enrollment, item_uuid)
    progress, _ = ItemProgress.objects.get_or_create(
        enrollment=enrollment, item_uuid=item_uuid, defaults={"version_number": enrollment.version.number}
    )
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.version_number = enrollment.version.number
        progress.save(update_fields=["completed_at", "version_number", "updated_at"])
    enrollment.last_item_uuid = item_uuid
    Enrollment.objects.filter(pk=enrollment.pk).update(last_item_uuid=item_uuid)
    _recompute_progress(enrollment)
    return progress


@transaction.atomic
def progress_item_visit(*, enrollment: Enrollment, item_uuid, video_position_seconds: int | None = None,
                        time_spent_seconds: int = 0) -> ItemProgress:
    """Remember where the learner is: last item, video position, time spent (capped per call)."""
    item_uuid = _require_item(enrollment, item_uuid)
    progress, _ = ItemProgress.objects.get_or_create(
        enrollment=enrollment, item_uuid=item_uuid, defaults={"version_number": enrollment.version.number}
    )
    updates = {"time_spent_seconds": F("time_spent_seconds") + max(0, min(int(time_spent_seconds), 3600))}
    if video_position_seconds is not None:
        updates["video_position_seconds"] = max(0, int(video_position_seconds))
    ItemProgress.objects.filter(pk=progress.pk).update(**updates)
    Enrollment.objects.filter(pk=enrollment.pk).update(last_item_uuid=item_uuid)
    progress.refresh_from_db()
    return progress
