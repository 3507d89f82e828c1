"""Studio API: modules and lessons (the outline)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from ... import services
from .base import TAGS, EDIT, ID_PARAM, SLUG_PARAM, _validated, _CourseApi
from .serializers import StudioLessonOutput, StudioModuleOutput, StudioOrderEntryOutput, StudioTitleInput, StudioReorderInput

# --- modules, lessons, items -----------------------------------------------------------------


class ModuleCreateApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Add a module at the end", parameters=[SLUG_PARAM], request=StudioTitleInput,
                   responses={201: StudioModuleOutput})
    def post(self, request, slug):
        course = self.course(EDIT)
        module = services.module_create(course=course, title=_validated(StudioTitleInput, request)["title"])
        return Response(StudioModuleOutput(module, context=self.context(course)).data, status=status.HTTP_201_CREATED)


class ModuleReorderApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Reorder the course's modules", parameters=[SLUG_PARAM], request=StudioReorderInput,
                   responses={200: StudioOrderEntryOutput(many=True)})
    def post(self, request, slug):
        course = self.course(EDIT)
        services.reorder_by_uuid(siblings=course.modules.all(), uuids=_validated(StudioReorderInput, request)["order"])
        return Response(StudioOrderEntryOutput(course.modules.order_by("position", "id"), many=True).data)


class ModuleDetailApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Rename a module", parameters=[SLUG_PARAM, ID_PARAM], request=StudioTitleInput,
                   responses={200: StudioModuleOutput})
    def patch(self, request, slug, id):
        course = self.course(EDIT)
        module = self.module(course, id)
        module = services.module_update(module=module, title=_validated(StudioTitleInput, request)["title"])
        return Response(StudioModuleOutput(module, context=self.context(course)).data)

    @extend_schema(tags=TAGS, summary="Delete a module with its lessons (from the draft)",
                   parameters=[SLUG_PARAM, ID_PARAM], responses={204: None})
    def delete(self, request, slug, id):
        course = self.course(EDIT)
        services.module_delete(module=self.module(course, id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LessonCreateApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Add a lesson at the end of a module", parameters=[SLUG_PARAM, ID_PARAM],
                   request=StudioTitleInput, responses={201: StudioLessonOutput})
    def post(self, request, slug, id):
        course = self.course(EDIT)
        module = self.module(course, id)
        lesson = services.lesson_create(module=module, title=_validated(StudioTitleInput, request)["title"])
        return Response(StudioLessonOutput(lesson, context=self.context(course)).data, status=status.HTTP_201_CREATED)


class LessonReorderApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Reorder a module's lessons", parameters=[SLUG_PARAM, ID_PARAM],
                   request=StudioReorderInput, responses={200: StudioOrderEntryOutput(many=True)})
    def post(self, request, slug, id):
        course = self.course(EDIT)
        module = self.module(course, id)
        services.reorder_by_uuid(siblings=module.lessons.all(), uuids=_validated(StudioReorderInput, request)["order"])
        return Response(StudioOrderEntryOutput(module.lessons.order_by("position", "id"), many=True).data)


class LessonDetailApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Rename a lesson", parameters=[SLUG_PARAM, ID_PARAM], request=StudioTitleInput,
                   responses={200: StudioLessonOutput})
    def patch(self, request, slug, id):
        course = self.course(EDIT)
        lesson = services.lesson_update(lesson=self.lesson(course, id), title=_validated(StudioTitleInput, request)["title"])
        return Response(StudioLessonOutput(lesson, context=self.context(course)).data)

    @extend_schema(tags=TAGS, summary="Delete a lesson with its content (from the draft)",
                   parameters=[SLUG_PARAM, ID_PARAM], responses={204: None})
    def delete(self, request, slug, id):
        course = self.course(EDIT)
        services.lesson_delete(lesson=self.lesson(course, id))
        return Response(status=status.HTTP_204_NO_CONTENT)

