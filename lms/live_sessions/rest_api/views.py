"""Live sessions API: a course's sessions for its learners and staff; editors schedule, move and cancel.
Anyone else gets a 404."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tenants.api import SafeJSONParser as JSONParser  # depth-limited, refuses NUL
from tenants.api import TenantApi

from .. import selectors, services
from ..models import LiveSession

TAGS = ["live sessions"]


class LiveSessionOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")

    class Meta:
        model = LiveSession
        fields = ["id", "title", "starts_at", "ends_at", "join_url", "description", "sequence"]


class LiveSessionInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    join_url = serializers.URLField(max_length=1000)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


def _viewed(request, slug: str):
    found = selectors.course_for_viewer(user=request.user, slug=slug)
    if found is None:
        raise NotFound("No such course.")
    return found


def _edited(request, slug: str):
    course, can_edit = _viewed(request, slug)
    if not can_edit:
        raise NotFound("No such course.")
    return course


class LiveSessionListApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(tags=TAGS, summary="A course's live sessions (enrolled learners and staff; ?upcoming=1: not ended)",
                   responses={200: LiveSessionOutput(many=True)})
    def get(self, request, slug):
        course, _ = _viewed(request, slug)
        upcoming = timezone.now() if request.query_params.get("upcoming") in ("1", "true") else None
        return Response(LiveSessionOutput(selectors.live_session_list_for_course(course=course, upcoming_from=upcoming),
                                          many=True).data)

    @extend_schema(tags=TAGS, summary="Schedule a live session (course editors)", request=LiveSessionInput,
                   responses={201: LiveSessionOutput})
    def post(self, request, slug):
        course = _edited(request, slug)
        data = self.validated(request, LiveSessionInput)
        session = services.live_session_create(course=course, actor=request.user, **data)
        return Response(LiveSessionOutput(session).data, status=status.HTTP_201_CREATED)


class LiveSessionApi(TenantApi):
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(tags=TAGS, summary="One live session", responses={200: LiveSessionOutput})
    def get(self, request, slug, session_uuid):
        course, _ = _viewed(request, slug)
        return Response(LiveSessionOutput(get_object_or_404(LiveSession, course=course, uuid=session_uuid)).data)

    @extend_schema(tags=TAGS, summary="Change or move a live session (course editors)",
                   request=LiveSessionInput(partial=True), responses={200: LiveSessionOutput})
    def patch(self, request, slug, session_uuid):
        course = _edited(request, slug)
        session = get_object_or_404(LiveSession, course=course, uuid=session_uuid)
        data = self.validated(request, LiveSessionInput, partial=True)
        return Response(LiveSessionOutput(services.live_session_update(session=session, actor=request.user, **data)).data)

    @extend_schema(tags=TAGS, summary="Cancel a live session (course editors)", request=None, responses={204: None})
    def delete(self, request, slug, session_uuid):
        course = _edited(request, slug)
        services.live_session_delete(session=get_object_or_404(LiveSession, course=course, uuid=session_uuid),
                                     actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
