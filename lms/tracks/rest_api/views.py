"""Tracks API for learners: list, detail with item states, join, hand in project steps."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser

from tenants.api import SafeJSONParser as JSONParser  # depth-limited, refuses NUL
from rest_framework.response import Response

from tenants.api import TenantApi, TenantGenericApi

from .. import selectors, services
from ..models import ProjectStep, Track, TrackItem

TAGS = ["tracks"]


class TrackOutput(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["slug", "title", "description", "free_order"]


class TrackItemOutput(serializers.Serializer):
    id = serializers.UUIDField(source="item.uuid")
    kind = serializers.CharField(source="item.kind")
    title = serializers.CharField(source="item.title")
    course_slug = serializers.SerializerMethodField()
    project_id = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=selectors.STATES)

    def get_course_slug(self, row) -> str | None:
        return row["item"].course.slug if row["item"].course_id else None

    def get_project_id(self, row) -> str | None:
        return str(row["item"].project.uuid) if row["item"].project_id else None


class TrackDetailOutput(TrackOutput):
    items = serializers.SerializerMethodField()

    class Meta(TrackOutput.Meta):
        fields = TrackOutput.Meta.fields + ["items"]

    @extend_schema_field(TrackItemOutput(many=True))
    def get_items(self, track):
        request = self.context["request"]
        items = selectors.track_items(track)
        states = selectors.track_states(track=track, learner=request.user, items=items)
        return TrackItemOutput([{"item": i, "state": states[i.pk]} for i in items], many=True).data


class TrackListApi(mixins.ListModelMixin, TenantGenericApi):
    serializer_class = TrackOutput
    permission_classes = [permissions.IsAuthenticated]

    def safely_get_queryset(self, request):
        return selectors.track_list_published()

    @extend_schema(tags=TAGS, summary="Published tracks")
    def get(self, request):
        return self.list(request)


class TrackDetailApi(TenantGenericApi):
    serializer_class = TrackDetailOutput
    lookup_field = "slug"

    def safely_get_queryset(self, request):
        return selectors.track_list_published()

    @extend_schema(tags=TAGS, summary="A track with the state of each item for me")
    def get(self, request, slug):
        return Response(TrackDetailOutput(self.get_object(), context={"request": request}).data)


class TrackJoinApi(TenantGenericApi):
    serializer_class = TrackDetailOutput
    lookup_field = "slug"

    def safely_get_queryset(self, request):
        return selectors.track_list_published()

    @extend_schema(tags=TAGS, summary="Join a track", request=None, responses={201: TrackDetailOutput})
    def post(self, request, slug):
        track = self.get_object()
        try:
            services.track_enroll(track=track, learner=request.user)
        except services.TrackPaymentRequired:
            from billing.api import buy_url

            return Response({"message": f"“{track.title}” is a paid track: buy it to join.", "code": "payment_required",
                             "checkout_url": buy_url("track", str(track.uuid))}, status=status.HTTP_402_PAYMENT_REQUIRED)
        return Response(TrackDetailOutput(track, context={"request": request}).data, status=status.HTTP_201_CREATED)


class StepSubmissionOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    status = serializers.CharField()
    url = serializers.URLField()
    text = serializers.CharField()
    has_file = serializers.SerializerMethodField()
    submitted_at = serializers.DateTimeField()

    def get_has_file(self, obj) -> bool:
        return bool(obj.file)


class StepSubmitApi(TenantApi):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        url = serializers.URLField(required=False, allow_blank=True, max_length=1000)
        text = serializers.CharField(required=False, allow_blank=True)
        file = serializers.FileField(required=False)

    @extend_schema(tags=TAGS, summary="Hand in one step of a project", request=InputSerializer,
                   responses={201: StepSubmissionOutput})
    def post(self, request, slug, project_uuid, step_uuid):
        item = get_object_or_404(TrackItem, track__slug=slug, track__is_published=True, project__uuid=project_uuid)
        step = get_object_or_404(ProjectStep, uuid=step_uuid, project_id=item.project_id)
        data = self.validated(request)
        submission = services.step_submit(step=step, learner=request.user, url=data.get("url", ""),
                                          text=data.get("text", ""), file=data.get("file"))
        return Response(StepSubmissionOutput(submission).data, status=status.HTTP_201_CREATED)


# --- track staff (the track's instructors and administrators; anyone else: 404) ---------------

from .. import permissions as track_permissions  # noqa: E402


class TrackStaffOutput(serializers.Serializer):
    id = serializers.UUIDField(source="user.profile.public_id")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.get_full_name")
    track_role = serializers.ChoiceField(choices=list(track_permissions.TRACK_ROLES))


class TrackStaffInput(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    track_role = serializers.ChoiceField(choices=list(track_permissions.TRACK_ROLES))


class TrackStaffRoleInput(serializers.Serializer):
    track_role = serializers.ChoiceField(choices=list(track_permissions.TRACK_ROLES))


def _managed_track(request, slug: str) -> Track:
    return get_object_or_404(track_permissions.tracks_user_can(request.user, track_permissions.PUBLISH), slug=slug)


def _staff_rows(track: Track) -> list[dict]:
    return [{"user": user, "track_role": role} for user, role in track_permissions.track_staff(track)]


class TrackStaffApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(tags=TAGS, summary="A track's staff", responses={200: TrackStaffOutput(many=True)})
    def get(self, request, slug):
        return Response(TrackStaffOutput(_staff_rows(_managed_track(request, slug)), many=True).data)

    @extend_schema(tags=TAGS, summary="Add someone to a track's staff (or change their role)", request=TrackStaffInput,
                   responses={201: TrackStaffOutput(many=True)})
    def post(self, request, slug):
        track = _managed_track(request, slug)
        data = self.validated(request, TrackStaffInput)
        services.track_staff_add(track=track, email=data["email"], track_role=data["track_role"], actor=request.user)
        return Response(TrackStaffOutput(_staff_rows(track), many=True).data, status=status.HTTP_201_CREATED)


class TrackStaffMemberApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _member(self, request, slug, public_id):
        track = _managed_track(request, slug)
        member = services.track_staff_member(track, public_id)
        if member is None:
            from rest_framework.exceptions import NotFound

            raise NotFound("Not on this track's staff.")
        return track, member

    @extend_schema(tags=TAGS, summary="Change a staff member's track role", request=TrackStaffRoleInput,
                   responses={200: TrackStaffOutput(many=True)})
    def patch(self, request, slug, public_id):
        track, member = self._member(request, slug, public_id)
        data = self.validated(request, TrackStaffRoleInput)
        services.track_staff_set(track=track, user=member, track_role=data["track_role"], actor=request.user)
        return Response(TrackStaffOutput(_staff_rows(track), many=True).data)

    @extend_schema(tags=TAGS, summary="Remove someone from a track's staff", request=None, responses={204: None})
    def delete(self, request, slug, public_id):
        track, member = self._member(request, slug, public_id)
        services.track_staff_set(track=track, user=member, track_role=None, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- project steps in the studio (editors of the track; anyone else: 404) -------------------------

class StudioStepOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")

    class Meta:
        model = ProjectStep
        fields = ["id", "position", "title", "instructions", "deliverable", "due_at", "due_sequence"]


class StudioStepCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    deliverable = serializers.ChoiceField(choices=ProjectStep.Deliverable.choices)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class StudioStepUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    due_at = serializers.DateTimeField(required=False, allow_null=True)


def _edited_project(request, slug: str, project_uuid):
    from ..models import Project

    track = get_object_or_404(track_permissions.tracks_user_can(request.user, track_permissions.EDIT), slug=slug)
    return get_object_or_404(Project, uuid=project_uuid, track_item__track=track)


class StudioStepListApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(tags=TAGS, summary="A project's steps (track editors)", responses={200: StudioStepOutput(many=True)})
    def get(self, request, slug, project_uuid):
        return Response(StudioStepOutput(_edited_project(request, slug, project_uuid).steps.all(), many=True).data)

    @extend_schema(tags=TAGS, summary="Add a step to a project", request=StudioStepCreateInput,
                   responses={201: StudioStepOutput})
    def post(self, request, slug, project_uuid):
        project = _edited_project(request, slug, project_uuid)
        data = self.validated(request, StudioStepCreateInput)
        step = services.project_step_add(project=project, actor=request.user, **data)
        return Response(StudioStepOutput(step).data, status=status.HTTP_201_CREATED)


class StudioStepApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def _step(self, request, slug, project_uuid, step_uuid) -> ProjectStep:
        return get_object_or_404(ProjectStep, uuid=step_uuid, project=_edited_project(request, slug, project_uuid))

    @extend_schema(tags=TAGS, summary="One step of a project (track editors)", responses={200: StudioStepOutput})
    def get(self, request, slug, project_uuid, step_uuid):
        return Response(StudioStepOutput(self._step(request, slug, project_uuid, step_uuid)).data)

    @extend_schema(tags=TAGS, summary="Change a step (title, instructions, due date; null due_at: none)",
                   request=StudioStepUpdateInput, responses={200: StudioStepOutput})
    def patch(self, request, slug, project_uuid, step_uuid):
        step = self._step(request, slug, project_uuid, step_uuid)
        data = self.validated(request, StudioStepUpdateInput)
        step = services.project_step_update(step=step, actor=request.user, **data)
        return Response(StudioStepOutput(step).data)
