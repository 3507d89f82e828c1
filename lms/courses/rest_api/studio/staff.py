"""Studio API: a course's staff members."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response


from ... import selectors, services
from .base import TAGS, PUBLISH, ID_PARAM, SLUG_PARAM, _validated, _CourseApi
from .serializers import StudioStaffOutput, StudioStaffInput

# --- staff ---------------------------------------------------------------------------------


def _staff_rows(course) -> list[dict]:
    return [{"user": user, "course_role": role} for user, role in selectors.course_staff_list(course)]


class StaffListApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="The course's instructors and teaching assistants", parameters=[SLUG_PARAM],
                   responses={200: StudioStaffOutput(many=True)})
    def get(self, request, slug):
        return Response(StudioStaffOutput(_staff_rows(self.course()), many=True).data)

    @extend_schema(
        tags=TAGS, summary="Add a member of the institution to the course staff (or change their course role)",
        parameters=[SLUG_PARAM], request=StudioStaffInput, responses={201: StudioStaffOutput, 200: StudioStaffOutput},
    )
    def post(self, request, slug):
        course = self.course(PUBLISH)
        data = _validated(StudioStaffInput, request)
        before = {user.pk for user, _ in selectors.course_staff_list(course)}
        user = services.course_staff_add(course=course, actor=request.user, **data)
        row = {"user": user, "course_role": data["course_role"]}
        return Response(StudioStaffOutput(row).data, status=status.HTTP_200_OK if user.pk in before else status.HTTP_201_CREATED)


class StaffDetailApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Remove someone from the course staff", parameters=[SLUG_PARAM, ID_PARAM],
                   responses={204: None})
    def delete(self, request, slug, id):
        course = self.course(PUBLISH)
        member = selectors.staff_member(course, id)
        if member is None:
            raise NotFound()
        services.course_staff_set(course=course, user=member, course_role=None, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

