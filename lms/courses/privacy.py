"""What courses hold about a person: enrollments, progress through each item, what they authored."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, privacy_not_personal, rows


def enrollments_export(user) -> ExportPart:
    from .models import Enrollment

    return ExportPart(records=rows(Enrollment.objects.filter(learner=user).order_by("created_at"), (
        "uuid", "course__slug", "course__title", "version__number", "status", "source", "note", "progress_percent",
        "created_at", "completed_at", "dropped_at", "enrolled_by__email")))


def progress_export(user) -> ExportPart:
    from .models import ItemProgress

    return ExportPart(records=rows(ItemProgress.objects.filter(enrollment__learner=user).order_by("enrollment", "pk"), (
        "enrollment__course__slug", "item_uuid", "version_number", "completed_at", "video_position_seconds",
        "time_spent_seconds", "updated_at")))


def teaching_export(user) -> ExportPart:
    from .models import Course, CourseVersion, Enrollment

    enrolled_others = Enrollment.objects.filter(enrolled_by=user).exclude(learner=user)
    return ExportPart(records=[
        *({"kind": "course_created", **r} for r in rows(Course.objects.filter(created_by=user), ("slug", "title", "created_at"))),
        *({"kind": "version_published", **r} for r in rows(CourseVersion.objects.filter(author=user),
                                                             ("course__slug", "number", "created_at"))),
        *({"kind": "enrolled_someone", **r} for r in rows(enrolled_others, ("course__slug", "created_at"))),
    ])


# Erasure deletes a person's learning records (the course, its gradebook and its statistics go on
# without them); what they authored stays with the institution, on the anonymised account.

def progress_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import ItemProgress

    deleted, _ = ItemProgress.objects.filter(enrollment__learner=user).delete()
    return {"progress_deleted": deleted}


def enrollments_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import Enrollment

    _, deleted = Enrollment.objects.filter(learner=user).delete()  # their progress goes with them
    return {"enrollments_deleted": deleted.get(Enrollment._meta.label, 0)}


def teaching_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Nothing to delete: courses and versions are the institution's; they now name the anonymised account."""
    from .models import Course, CourseVersion

    return {"courses_kept": Course.objects.filter(created_by=user).count(),
            "versions_kept": CourseVersion.objects.filter(author=user).count()}


def enrollments_last_activity(user_ids: list[int]) -> dict[int, object]:
    """Enrolling, completing or dropping a course, and any progress on its items (retention)."""
    from .models import Enrollment, ItemProgress

    latest = latest_by_user(Enrollment.objects.filter(learner_id__in=user_ids), "learner_id",
                            "created_at", "completed_at", "dropped_at")
    for user_id, when in latest_by_user(ItemProgress.objects.filter(enrollment__learner_id__in=user_ids),
                                        "enrollment__learner_id", "updated_at").items():
        latest[user_id] = max(when, latest.get(user_id, when))
    return latest


def cache_keys(user) -> list[str]:
    """The person's cached dashboard/catalog bodies and their version counter (dashboard_cache)."""
    return [f"learn:dash-learner-ver:{user.pk}", f"learn:*-body:{user.pk}:*"]


ENROLLMENTS = PrivacyProvider(
    area="enrollments", title="Course enrollments",
    holdings=(Holding("courses.Enrollment", fields=("learner", "enrolled_by")),),
    export=enrollments_export, erase=enrollments_erase, last_activity=enrollments_last_activity, order=300,
)
PROGRESS = PrivacyProvider(
    area="progress", title="Progress through courses",
    holdings=(Holding("courses.ItemProgress", fields=("enrollment",)),),
    export=progress_export, erase=progress_erase, order=290,
)
TEACHING = PrivacyProvider(
    area="teaching", title="Courses you created or published",
    holdings=(Holding("courses.Course", fields=("created_by",)), Holding("courses.CourseVersion", fields=("author",))),
    export=teaching_export, erase=teaching_erase, order=310,
)


def register() -> None:
    from tenant_apps.privacy.api import erasure_cache_keys_register, privacy_provider_register

    erasure_cache_keys_register(cache_keys)

    for provider in (ENROLLMENTS, PROGRESS, TEACHING):
        privacy_provider_register(provider)
    privacy_not_personal("courses.Course", ("cover",), "course artwork")
    privacy_not_personal("courses.ContentItem", ("file",), "course material")
