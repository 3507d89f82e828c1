"""Studio API: publishing, versions, rollback, unpublishing."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from billing.api import SaleNotReady

from ... import selectors, services
from .base import TAGS, PUBLISH, SLUG_PARAM, _payouts_not_ready, _validated, _CourseApi
from .serializers import ErrorOutput, PublishProblemsOutput, StudioCourseDetailOutput, StudioVersionOutput, StudioPublishCheckOutput, StudioPublishInput, StudioRollbackInput

# --- publishing ----------------------------------------------------------------------------


class PublishApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Can the draft be published now? The problems to fix",
                   parameters=[SLUG_PARAM], responses={200: StudioPublishCheckOutput})
    def get(self, request, slug):
        problems = services.course_validate_for_publish(self.course(PUBLISH))
        return Response({"publishable": not problems, "problems": problems})

    @extend_schema(tags=TAGS, summary="Publish the draft as a new version", parameters=[SLUG_PARAM],
                   request=StudioPublishInput, responses={201: StudioVersionOutput, 400: PublishProblemsOutput})
    def post(self, request, slug):
        course = self.course(PUBLISH)
        data = _validated(StudioPublishInput, request)
        try:
            version = services.course_publish(course=course, author=request.user, change_note=data["change_note"])
        except SaleNotReady as exc:
            return _payouts_not_ready(exc)
        except ValidationError as exc:
            return Response({
                "message": "The course cannot be published yet.", "code": "not_publishable",
                "problems": exc.messages, "errors": {"problems": exc.messages},
            }, status=status.HTTP_400_BAD_REQUEST)
        course.refresh_from_db()
        return Response(StudioVersionOutput(version, context=self.context(course)).data, status=status.HTTP_201_CREATED)


class VersionListApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Published versions, newest first", parameters=[SLUG_PARAM],
                   responses={200: StudioVersionOutput(many=True)})
    def get(self, request, slug):
        course = self.course()
        return Response(StudioVersionOutput(selectors.version_list(course), many=True, context=self.context(course)).data)


class RollbackApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Publish an earlier version again (as a new version); the draft is reset to it",
                   parameters=[SLUG_PARAM], request=StudioRollbackInput, responses={201: StudioVersionOutput})
    def post(self, request, slug):
        course = self.course(PUBLISH)
        data = _validated(StudioRollbackInput, request)
        try:
            version = services.course_rollback(course=course, version_number=data["version"], author=request.user,
                                               change_note=data["change_note"])
        except SaleNotReady as exc:
            return _payouts_not_ready(exc)
        course.refresh_from_db()
        return Response(StudioVersionOutput(version, context=self.context(course)).data, status=status.HTTP_201_CREATED)


class UnpublishApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Hide the course from the catalog and new enrollments (records are kept)",
                   parameters=[SLUG_PARAM], request=None, responses={200: StudioCourseDetailOutput})
    def post(self, request, slug):
        course = self.course(PUBLISH)
        if course.is_published:
            course = services.course_unpublish(course=course, author=request.user)
        return self.detail(course)

