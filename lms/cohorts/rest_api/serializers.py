"""Serializers of the cohorts API."""
from rest_framework import serializers


class CohortPersonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="profile.public_id")
    email = serializers.EmailField()
    name = serializers.CharField(source="get_full_name")


class CohortOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    starts_on = serializers.DateField(allow_null=True)
    member_count = serializers.IntegerField()


class CohortInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    starts_on = serializers.DateField(required=False, allow_null=True)


class CohortDetailOutput(CohortOutput):
    members = serializers.SerializerMethodField()

    def get_members(self, cohort) -> list[dict]:
        return CohortPersonOutput([m.learner for m in self.context["members"]], many=True).data


class MembersInput(serializers.Serializer):
    learners = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=500,
                                     help_text="Learners' account ids (public ids).")


class TrainerRowOutput(serializers.Serializer):
    trainer = CohortPersonOutput()
    learners = serializers.IntegerField()


class OverviewOutput(serializers.Serializer):
    max_learners_per_trainer = serializers.IntegerField(source="cap")
    trainers = TrainerRowOutput(many=True)
    unassigned = CohortPersonOutput(many=True)


class AssignInput(serializers.Serializer):
    learner = serializers.UUIDField()
    trainer = serializers.UUIDField(allow_null=True, help_text="Null: no trainer.")


class TrainerAssignmentOutput(serializers.Serializer):
    learner = CohortPersonOutput()
    trainer = CohortPersonOutput(allow_null=True)


class RebalanceOutput(serializers.Serializer):
    moved = serializers.IntegerField()
    unassigned = serializers.IntegerField()


class CapInput(serializers.Serializer):
    max_learners_per_trainer = serializers.IntegerField(min_value=1, max_value=1000)


class LearnerRowOutput(serializers.Serializer):
    learner = CohortPersonOutput()
    cohort = serializers.CharField()
    progress_percent = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    since = serializers.DateTimeField()
