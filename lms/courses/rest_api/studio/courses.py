"""Studio API: the course list, a course, its cover."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from billing.api import SaleNotReady
from tenants.api import TenantGenericApi

from ... import permissions, selectors, services
from ...models import Course
from .base import TAGS, EDIT, SLUG_PARAM, STUDIO, _payouts_not_ready, _too_large, _validated, _CourseApi
from .serializers import ErrorOutput, StudioCourseSummaryOutput, StudioCourseDetailOutput, StudioCourseInput, StudioCoverInput

# --- courses -------------------------------------------------------------------------------


class CourseListApi(TenantGenericApi):
    permission_classes = STUDIO
    serializer_class = StudioCourseSummaryOutput

    def safely_get_queryset(self, request):
        return selectors.course_list_for_studio(user=request.user)

    @extend_schema(tags=TAGS, summary="Courses I work on (staff access), with what I may do in each",
                   responses={200: StudioCourseSummaryOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        caps = selectors.capabilities_by_course(user=request.user, courses=page)
        data = StudioCourseSummaryOutput(page, many=True, context={"request": request, "caps": caps}).data
        return self.get_paginated_response(data)

    @extend_schema(tags=TAGS, summary="Create a draft course (instructors and administrators)", request=StudioCourseInput,
                   responses={201: StudioCourseDetailOutput, 403: ErrorOutput})
    def post(self, request):
        if not permissions.can_create_course(request.user):
            raise PermissionDenied("Only instructors and administrators can create courses.")
        data = _validated(StudioCourseInput, request)
        course = services.course_create(author=request.user, **data)
        caps = selectors.capabilities(request.user, course)
        course = Course.objects.select_related("published_version").get(pk=course.pk)
        response = Response(StudioCourseDetailOutput(course, context={"request": request, "caps": {course.pk: caps}}).data,
                            status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api-studio-course", kwargs={"slug": course.slug})
        return response


class CourseDetailApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="A course with its whole draft outline", parameters=[SLUG_PARAM])
    def get(self, request, slug):
        return self.detail(self.course())

    @extend_schema(tags=TAGS, summary="Change course details (any subset of fields)", parameters=[SLUG_PARAM],
                   request=StudioCourseInput, responses={200: StudioCourseDetailOutput})
    def patch(self, request, slug):
        course = self.course(EDIT)
        data = _validated(StudioCourseInput, request, partial=True, context={"course": course})
        try:
            course = services.course_details_save(course=course, **data)
        except SaleNotReady as exc:
            return _payouts_not_ready(exc)
        except ValidationError:
            course.refresh_from_db()
            raise
        return self.detail(course)


class CourseCoverApi(_CourseApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, summary="Upload a cover image (checked by its content)", parameters=[SLUG_PARAM],
                   request={"multipart/form-data": StudioCoverInput}, responses={200: StudioCourseDetailOutput, 413: ErrorOutput})
    def post(self, request, slug):
        course = self.course(EDIT)
        data = _validated(StudioCoverInput, request)
        try:
            course = services.course_details_save(course=course, cover_upload=data["file"])
        except services.FileTooLarge as exc:
            return _too_large(exc)
        return self.detail(course)

    @extend_schema(tags=TAGS, summary="Remove the cover image", parameters=[SLUG_PARAM], responses={204: None})
    def delete(self, request, slug):
        services.course_details_save(course=self.course(EDIT), remove_cover=True)
        return Response(status=status.HTTP_204_NO_CONTENT)

