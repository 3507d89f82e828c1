"""/api/v1/ routes of cohorts and trainers, for a course (studio/courses/<slug>/...) or a track
(studio/tracks/<slug>/...). Learners get 403; staff of other courses or tracks 404; changing
needs the right to edit the course or track; a trainer at the cap answers 409."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from tenants.api import TenantApi, error_response

from .. import selectors, services
from ..views import scope_or_refuse
from . import serializers as s

TAGS = ["studio: cohorts and trainers"]
ERRORS = {403: OpenApiResponse(description="Not allowed to manage this course or track"),
          404: OpenApiResponse(description="No such course, track or cohort, or not yours to see")}


class ScopedApi(TenantApi):
    def scope(self, request, *, manage: bool):
        return scope_or_refuse(request.user, self.kwargs["kind"], self.kwargs["slug"], manage=manage)

    def cohort(self, scope):
        cohort = selectors.cohort_get(scope, self.kwargs["cohort_uuid"])
        if cohort is None:
            raise NotFound()
        return cohort


def _person(public_id, field: str):
    user = selectors.learner_by_public_id(public_id)
    if user is None:
        raise ValidationError({field: ["No such account."]})
    return user


class CohortListApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="The cohorts of a course or track", responses={200: s.CohortOutput(many=True), **ERRORS})
    def get(self, request, kind, slug):
        return Response(s.CohortOutput(selectors.cohort_list(self.scope(request, manage=False)), many=True).data)

    @extend_schema(tags=TAGS, summary="Add a cohort", request=s.CohortInput, responses={201: s.CohortOutput, **ERRORS})
    def post(self, request, kind, slug):
        scope = self.scope(request, manage=True)
        data = self.validated(request, s.CohortInput)
        cohort = services.cohort_create(scope=scope, actor=request.user, **data)
        return Response(s.CohortOutput(selectors.cohort_get(scope, cohort.uuid)).data, status=status.HTTP_201_CREATED)


def _cohort_out(scope, cohort) -> dict:
    cohort = selectors.cohort_get(scope, cohort.uuid)
    return s.CohortDetailOutput(cohort, context={"members": selectors.cohort_members(cohort)}).data


class CohortApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="A cohort and its learners", responses={200: s.CohortDetailOutput, **ERRORS})
    def get(self, request, kind, slug, cohort_uuid):
        scope = self.scope(request, manage=False)
        return Response(_cohort_out(scope, self.cohort(scope)))

    @extend_schema(tags=TAGS, summary="Rename a cohort or change its start date", request=s.CohortInput,
                   responses={200: s.CohortDetailOutput, **ERRORS})
    def patch(self, request, kind, slug, cohort_uuid):
        scope = self.scope(request, manage=True)
        cohort = self.cohort(scope)
        data = self.validated(request, s.CohortInput, partial=True)
        services.cohort_update(cohort=cohort, actor=request.user, **data)
        return Response(_cohort_out(scope, cohort))

    @extend_schema(tags=TAGS, summary="Delete a cohort (its learners keep their enrollment and trainer)",
                   responses={204: None, **ERRORS})
    def delete(self, request, kind, slug, cohort_uuid):
        scope = self.scope(request, manage=True)
        services.cohort_delete(cohort=self.cohort(scope), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CohortMembersApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="Add learners of the course or track to a cohort", request=s.MembersInput,
                   responses={200: s.CohortDetailOutput, **ERRORS})
    def post(self, request, kind, slug, cohort_uuid):
        scope = self.scope(request, manage=True)
        cohort = self.cohort(scope)
        data = self.validated(request, s.MembersInput)
        learners = [_person(public_id, "learners") for public_id in data["learners"]]
        _added, refused = services.cohort_members_add(cohort=cohort, learners=learners)
        if refused:
            raise ValidationError({"learners": [why for _u, why in refused]})
        return Response(_cohort_out(scope, cohort))


class CohortMemberApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="Take a learner out of a cohort", responses={204: None, **ERRORS})
    def delete(self, request, kind, slug, cohort_uuid, learner_id):
        scope = self.scope(request, manage=True)
        cohort = self.cohort(scope)
        learner = selectors.learner_by_public_id(learner_id)
        if learner is None or not services.cohort_member_remove(cohort=cohort, learner=learner):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrainersApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="Trainers with their learner counts, the cap, the unassigned learners",
                   responses={200: s.OverviewOutput, **ERRORS})
    def get(self, request, kind, slug):
        return Response(s.OverviewOutput(selectors.trainers_overview(self.scope(request, manage=False))).data)


class TrainerAssignApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="Give a learner to a trainer (or none)", request=s.AssignInput,
                   responses={200: s.TrainerAssignmentOutput, 409: OpenApiResponse(description="The trainer is full"), **ERRORS})
    def post(self, request, kind, slug):
        scope = self.scope(request, manage=True)
        data = self.validated(request, s.AssignInput)
        learner = _person(data["learner"], "learner")
        trainer = _person(data["trainer"], "trainer") if data["trainer"] else None
        try:
            services.trainer_assign(scope=scope, learner=learner, trainer=trainer, actor=request.user)
        except services.TrainerFull as exc:
            return error_response(" ".join(exc.messages), code="trainer_full", http_status=status.HTTP_409_CONFLICT)
        return Response(s.TrainerAssignmentOutput({"learner": learner, "trainer": trainer}).data)


class RebalanceApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="Give unassigned learners, and those of trainers who left, to trainers with room",
                   request=None, responses={200: s.RebalanceOutput, **ERRORS})
    def post(self, request, kind, slug):
        scope = self.scope(request, manage=True)
        return Response(s.RebalanceOutput(services.trainers_rebalance(scope=scope, actor=request.user)).data)


class CapApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="How many learners a trainer takes at most here", request=s.CapInput,
                   responses={200: s.CapInput, **ERRORS})
    def put(self, request, kind, slug):
        scope = self.scope(request, manage=True)
        data = self.validated(request, s.CapInput)
        setting = services.trainer_cap_set(scope=scope, max_learners=data["max_learners_per_trainer"], actor=request.user)
        return Response({"max_learners_per_trainer": setting.max_learners_per_trainer})


class MyLearnersApi(ScopedApi):
    @extend_schema(tags=TAGS, summary="The learners assigned to you, with their progress",
                   responses={200: s.LearnerRowOutput(many=True), **ERRORS})
    def get(self, request, kind, slug):
        scope = self.scope(request, manage=False)
        return Response(s.LearnerRowOutput(selectors.my_learners(scope, request.user), many=True).data)
