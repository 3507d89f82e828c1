"""Studio API: content items inside lessons."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser

from tenants.api import SafeJSONParser as JSONParser  # depth-limited, refuses NUL
from rest_framework.response import Response

from ... import services
from .base import TAGS, EDIT, ID_PARAM, SLUG_PARAM, _too_large, _validated, _CourseApi
from .serializers import ErrorOutput, StudioItemOutput, StudioOrderEntryOutput, StudioReorderInput, StudioItemCreateInput, StudioItemUpdateInput

class ItemCreateApi(_CourseApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS, summary="Add a content item at the end of a lesson", parameters=[SLUG_PARAM, ID_PARAM],
        description=("text: body (Markdown); video, link: url; file: file (multipart, at most 50 MB, else 413); "
                     "quiz, assignment: a new empty draft is created in its app (400 while that app is not available)."),
        request={"application/json": StudioItemCreateInput, "multipart/form-data": StudioItemCreateInput},
        responses={201: StudioItemOutput, 413: ErrorOutput},
    )
    def post(self, request, slug, id):
        course = self.course(EDIT)
        lesson = self.lesson(course, id)
        data = _validated(StudioItemCreateInput, request)
        try:
            item = services.item_add(lesson=lesson, kind=data["kind"], title=data["title"], author=request.user,
                                      body=data["body"], url=data["url"], upload=data.get("file"))
        except services.FileTooLarge as exc:
            return _too_large(exc)
        return Response(self.item_output(course, item), status=status.HTTP_201_CREATED)


class ItemReorderApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Reorder a lesson's content items", parameters=[SLUG_PARAM, ID_PARAM],
                   request=StudioReorderInput, responses={200: StudioOrderEntryOutput(many=True)})
    def post(self, request, slug, id):
        course = self.course(EDIT)
        lesson = self.lesson(course, id)
        services.reorder_by_uuid(siblings=lesson.items.all(), uuids=_validated(StudioReorderInput, request)["order"])
        return Response(StudioOrderEntryOutput(lesson.items.order_by("position", "id"), many=True).data)


class ItemDetailApi(_CourseApi):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, summary="One content item of the draft", parameters=[SLUG_PARAM, ID_PARAM],
                   responses={200: StudioItemOutput})
    def get(self, request, slug, id):
        course = self.course()
        return Response(self.item_output(course, self.item(course, id)))

    @extend_schema(
        tags=TAGS, summary="Change a content item", parameters=[SLUG_PARAM, ID_PARAM],
        description="Only the fields of the item's kind are accepted (400 otherwise); its kind does not change.",
        request={"application/json": StudioItemUpdateInput, "multipart/form-data": StudioItemUpdateInput},
        responses={200: StudioItemOutput, 413: ErrorOutput},
    )
    def patch(self, request, slug, id):
        course = self.course(EDIT)
        item = self.item(course, id)
        data = _validated(StudioItemUpdateInput, request, partial=True)
        try:
            item = services.item_change(item=item, title=data.get("title"), body=data.get("body"), url=data.get("url"),
                                         upload=data.get("file"))
        except services.FileTooLarge as exc:
            return _too_large(exc)
        except ValidationError:
            item.refresh_from_db()
            raise
        return Response(self.item_output(course, item))

    @extend_schema(tags=TAGS, summary="Delete a content item (from the draft)", parameters=[SLUG_PARAM, ID_PARAM],
                   responses={204: None})
    def delete(self, request, slug, id):
        course = self.course(EDIT)
        services.item_delete(item=self.item(course, id))
        return Response(status=status.HTTP_204_NO_CONTENT)

