"""Studio API base: permissions, shared helpers and the per-course base view."""
from __future__ import annotations

from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions as drf_permissions
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from billing.api import SaleNotReady
from tenants.api import InTenantSchema, TenantGenericApi
from tenants.api import error_response

from ... import selectors, services
from ...models import ContentItem, Course, Lesson, Module
from .serializers import StudioCourseDetailOutput, StudioItemOutput

TAGS = ["studio"]
VIEW, EDIT, PUBLISH = "view", "edit", "publish"
ID_PARAM = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's uuid.")
SLUG_PARAM = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The course's slug.")


class IsStudioMember(drf_permissions.BasePermission):
    message = "Only instructors, teaching assistants and administrators use the studio."

    def has_permission(self, request, view):
        selectors.user_roles_prefetch(request.user)
        return selectors.is_studio_member(request.user)


STUDIO = [InTenantSchema, drf_permissions.IsAuthenticated, IsStudioMember]


def _payouts_not_ready(exc: SaleNotReady) -> Response:
    """A priced course and no charges-enabled Stripe account: the institution's state, not the body's (409)."""
    return Response({"message": exc.messages[0], "code": "payouts_not_ready", "problems": exc.messages,
                     "errors": {"problems": exc.messages}}, status=status.HTTP_409_CONFLICT)


def _too_large(exc: services.FileTooLarge) -> Response:
    return error_response(exc.messages[0], code="too_large", http_status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


def _validated(serializer_class, request, *, partial: bool = False, context: dict | None = None) -> dict:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request, **(context or {})})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- base ----------------------------------------------------------------------------------


class _CourseApi(TenantGenericApi):
    # Endpoints under one course: the course is looked up among those the caller can open.
    # (A comment, not a docstring: drf-spectacular would show it on every endpoint.)

    permission_classes = STUDIO
    serializer_class = StudioCourseDetailOutput
    lookup_field = "slug"
    lookup_url_kwarg = "slug"

    def safely_get_queryset(self, request):
        return selectors.course_list_for_studio(user=request.user)

    def course(self, need: str = VIEW) -> Course:
        course = self.get_object()
        self.caps = selectors.capabilities(self.request.user, course)
        if need == EDIT and not self.caps.edit:
            raise PermissionDenied("You can read this course but not change it.")
        if need == PUBLISH and not self.caps.publish:
            raise PermissionDenied("Only the course's instructors and administrators can do this.")
        return course

    def context(self, course: Course) -> dict:
        return {"request": self.request, "course": course, "caps": {course.pk: self.caps}}

    def detail(self, course: Course, http_status: int = status.HTTP_200_OK) -> Response:
        course = Course.objects.select_related("published_version").get(pk=course.pk)
        return Response(StudioCourseDetailOutput(course, context=self.context(course)).data, status=http_status)

    @staticmethod
    def child(queryset, raw_id):
        try:
            uuid = UUID(str(raw_id))
        except ValueError as exc:
            raise NotFound() from exc
        obj = queryset.filter(uuid=uuid).first()
        if obj is None:
            raise NotFound()
        return obj

    def module(self, course, raw_id) -> Module:
        return self.child(course.modules.all(), raw_id)

    def lesson(self, course, raw_id) -> Lesson:
        return self.child(Lesson.objects.select_related("module").filter(module__course=course), raw_id)

    def item(self, course, raw_id) -> ContentItem:
        return self.child(ContentItem.objects.select_related("lesson__module").filter(lesson__module__course=course), raw_id)

    def item_output(self, course, item) -> dict:
        return StudioItemOutput(item, context=self.context(course)).data

