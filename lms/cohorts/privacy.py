"""What cohorts hold about a person: cohort memberships, who trains them, whom they train,
cohorts they created."""
from __future__ import annotations

from django.db.models import Q

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, rows


def cohorts_export(user) -> ExportPart:
    from .models import Cohort, CohortMember, TrainerAssignment

    scope_fields = ("course__slug", "track__slug")
    return ExportPart(records=[
        *({"kind": "cohort_member", **r} for r in rows(
            CohortMember.objects.filter(learner=user).order_by("added_at"),
            ("cohort__name", "cohort__course__slug", "cohort__track__slug", "added_at"))),
        *({"kind": "your_trainer", **r} for r in rows(
            TrainerAssignment.objects.filter(learner=user).order_by("assigned_at"),
            (*scope_fields, "trainer__email", "source", "assigned_at"))),
        *({"kind": "trained_by_you", **r} for r in rows(
            TrainerAssignment.objects.filter(trainer=user).exclude(learner=user).order_by("assigned_at"),
            (*scope_fields, "uuid", "assigned_at"))),
        *({"kind": "cohort_created", **r} for r in rows(
            Cohort.objects.filter(created_by=user).order_by("created_at"), ("uuid", "name", *scope_fields))),
    ])


def cohorts_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their memberships and trainer assignments (as learner or as trainer) are deleted; cohorts
    they created stay, on the anonymised account (staff rebalance the learners they trained)."""
    from .models import CohortMember, TrainerAssignment

    _, members = CohortMember.objects.filter(learner=user).delete()
    _, assignments = TrainerAssignment.objects.filter(Q(learner=user) | Q(trainer=user)).delete()
    return {"cohort_memberships_deleted": members.get(CohortMember._meta.label, 0),
            "trainer_assignments_deleted": assignments.get(TrainerAssignment._meta.label, 0)}


COHORTS = PrivacyProvider(
    area="cohorts", title="Cohorts and trainers",
    holdings=(
        Holding("cohorts.CohortMember", fields=("learner",)),
        Holding("cohorts.TrainerAssignment", fields=("learner", "trainer", "assigned_by")),
        Holding("cohorts.Cohort", fields=("created_by",)),
    ),
    export=cohorts_export, erase=cohorts_erase, order=255,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_not_personal, privacy_provider_register

    privacy_provider_register(COHORTS)
    privacy_not_personal("cohorts.Cohort", ("name",), "cohort names are the institution's labels")
