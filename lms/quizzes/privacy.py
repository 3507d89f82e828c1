"""What quizzes hold about a person: their attempts (answers, scores, feedback), and attempts they graded."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, rows


def attempts_export(user) -> ExportPart:
    from .models import QuizAttempt

    mine = rows(QuizAttempt.objects.filter(learner=user).order_by("started_at"), (
        "uuid", "course__slug", "quiz_uuid", "number", "version_number", "status", "started_at", "submitted_at",
        "closed_by_deadline", "answers", "score", "max_score", "results", "graded_at"))
    graded = rows(QuizAttempt.objects.filter(grader=user).exclude(learner=user), ("uuid", "course__slug", "graded_at"))
    return ExportPart(records=[*({"kind": "attempt", **r} for r in mine), *({"kind": "graded_by_you", **r} for r in graded)])


def attempts_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their attempts are deleted (statistics go on without them); attempts they graded keep the anonymised grader."""
    from .models import QuizAttempt

    deleted, _ = QuizAttempt.objects.filter(learner=user).delete()
    return {"attempts_deleted": deleted}


def attempts_last_activity(user_ids: list[int]) -> dict:
    from .models import QuizAttempt

    return latest_by_user(QuizAttempt.objects.filter(learner_id__in=user_ids), "learner_id",
                          "started_at", "submitted_at", "answers_saved_at")


ATTEMPTS = PrivacyProvider(
    area="quiz_attempts", title="Quiz attempts",
    holdings=(Holding("quizzes.QuizAttempt", fields=("learner", "grader")),),
    export=attempts_export, erase=attempts_erase, last_activity=attempts_last_activity, order=280,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(ATTEMPTS)
