"""Studio API (/api/v1/studio/courses/...): authoring the draft, publishing, versions, staff.

Instructors, teaching assistants and administrators only (learners: 403). A course is found
among those the caller has staff access to, and modules, lessons and items only inside that
course, so missing and foreign ids both answer 404. Reading needs staff access; changing the
draft needs permissions.can_edit; publishing, rollback, unpublishing and staff changes need
permissions.can_publish (403 otherwise).
"""
from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import permissions as drf_permissions
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser

from tenants.api import SafeJSONParser as JSONParser  # depth-limited, refuses NUL
from rest_framework.response import Response

from billing.api import money
from tenants.api import InTenantSchema, TenantGenericApi
from tenants.api import error_response

from .. import authoring, permissions, services
from ..models import ContentItem, Course, Lesson, Module

TAGS = ["studio"]
VIEW, EDIT, PUBLISH = "view", "edit", "publish"
ID_PARAM = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's uuid.")
SLUG_PARAM = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The course's slug.")


class IsStudioMember(drf_permissions.BasePermission):
    message = "Only instructors, teaching assistants and administrators use the studio."

    def has_permission(self, request, view):
        authoring.user_roles_prefetch(request.user)
        return authoring.is_studio_member(request.user)


STUDIO = [InTenantSchema, drf_permissions.IsAuthenticated, IsStudioMember]


def _enum_field(choices, component_name: str) -> type[serializers.ChoiceField]:
    """A ChoiceField class documented as its own named enum component, so it never collides with
    another app's choice set that shares the field name ("kind", "level")."""
    field_class = type(f"{component_name}Field", (serializers.ChoiceField,), {})
    schema = {"type": "string", "enum": [value for value, _label in choices]}
    return extend_schema_field(schema, component_name=component_name)(field_class)


_ENUMS = {
    tuple(ContentItem.Kind.choices): _enum_field(ContentItem.Kind.choices, "StudioContentKindEnum"),
    tuple(Course.Level.choices): _enum_field(Course.Level.choices, "StudioCourseLevelEnum"),
    tuple(Course.Visibility.choices): _enum_field(Course.Visibility.choices, "StudioCourseVisibilityEnum"),
    tuple(authoring.COURSE_ROLES.items()): _enum_field(list(authoring.COURSE_ROLES.items()), "StudioCourseRoleEnum"),
}


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return _ENUMS[tuple(choices)](choices=choices, **kwargs)


def _http_url(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise serializers.ValidationError("Use an http:// or https:// address.")


def _too_large(exc: authoring.FileTooLarge) -> Response:
    return error_response(exc.messages[0], code="too_large", http_status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


# --- output --------------------------------------------------------------------------------


class StudioItemOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    kind = _choice(ContentItem.Kind.choices)
    title = serializers.CharField()
    position = serializers.IntegerField()
    body = serializers.CharField(help_text="Markdown (text items).")
    url = serializers.CharField(help_text="Video or link items.")
    file_name = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    ref_uuid = serializers.UUIDField(allow_null=True, help_text="The quiz or assignment draft (their own apps).")
    editor_url = serializers.SerializerMethodField()

    def get_file_name(self, item) -> str | None:
        return authoring.display_file_name(item.file.name) if item.file else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_file_url(self, item) -> str | None:
        if not item.file:
            return None
        course = self.context["course"]
        return self.context["request"].build_absolute_uri(
            reverse("studio:item-file", kwargs={"slug": course.slug, "item": item.uuid}))

    @extend_schema_field({"type": "string", "nullable": True, "description": "Where staff edit the quiz/assignment."})
    def get_editor_url(self, item) -> str | None:
        return authoring.editor_url(self.context["course"], item)


class StudioLessonOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    position = serializers.IntegerField()
    items = StudioItemOutput(many=True, source="items.all")


class StudioModuleOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    position = serializers.IntegerField()
    lessons = StudioLessonOutput(many=True, source="lessons.all")


class StudioOrderEntryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    position = serializers.IntegerField()


class StudioCourseSummaryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    level = _choice(Course.Level.choices)
    visibility = _choice(Course.Visibility.choices)
    tags = serializers.ListField(child=serializers.CharField())
    is_published = serializers.BooleanField()
    published_version = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField()
    price_amount = serializers.IntegerField(help_text="Minor units (cents); 0 = free.")
    price_currency = serializers.CharField()
    updated_at = serializers.DateTimeField()
    can_edit = serializers.SerializerMethodField()
    can_publish = serializers.SerializerMethodField()

    def get_published_version(self, course) -> int | None:
        return course.published_version.number if course.published_version_id else None

    @extend_schema_field({"type": "string", "format": "decimal", "example": "19.99"})
    def get_price(self, course) -> str:
        return str(money.from_minor(course.price_amount, course.price_currency))

    def _caps(self, course) -> authoring.Capabilities:
        return self.context["caps"][course.pk]

    def get_can_edit(self, course) -> bool:
        return self._caps(course).edit

    def get_can_publish(self, course) -> bool:
        return self._caps(course).publish


class StudioCourseDetailOutput(StudioCourseSummaryOutput):
    description = serializers.CharField(help_text="Markdown.")
    estimated_minutes = serializers.IntegerField(allow_null=True)
    capacity = serializers.IntegerField(allow_null=True)
    enrollment_opens_at = serializers.DateTimeField(allow_null=True)
    enrollment_closes_at = serializers.DateTimeField(allow_null=True)
    cover_url = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    modules = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_cover_url(self, course) -> str | None:
        if not course.cover:
            return None
        return self.context["request"].build_absolute_uri(reverse("studio:cover", kwargs={"slug": course.slug}))

    @extend_schema_field(StudioModuleOutput(many=True))
    def get_modules(self, course) -> list:
        return StudioModuleOutput(authoring.outline_modules(course), many=True, context=self.context | {"course": course}).data


class StudioVersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    change_note = serializers.CharField()
    changes = serializers.JSONField(help_text="What changed since the previous version (lessons/items added, removed, changed).")
    rolled_back_from = serializers.IntegerField(allow_null=True)
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    is_live = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "email", "nullable": True})
    def get_author(self, version) -> str | None:
        return version.author.email if version.author else None

    def get_is_live(self, version) -> bool:
        return version.pk == self.context["course"].published_version_id


class StudioStaffOutput(serializers.Serializer):
    id = serializers.UUIDField(source="user.profile.public_id")
    email = serializers.EmailField(source="user.email")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    course_role = _choice(list(authoring.COURSE_ROLES.items()))


class StudioPublishCheckOutput(serializers.Serializer):
    publishable = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


PublishProblemsOutput = inline_serializer("StudioPublishProblems", {
    "message": serializers.CharField(), "code": serializers.CharField(),
    "problems": serializers.ListField(child=serializers.CharField()),
    "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
})
ErrorOutput = inline_serializer("StudioError", {"message": serializers.CharField(), "code": serializers.CharField()})


# --- input ---------------------------------------------------------------------------------


class StudioCourseInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=80, required=False, allow_blank=True,
                                 help_text="Made from the title when left out on creation.")
    summary = serializers.CharField(max_length=500, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, help_text="Markdown.")
    level = _choice(Course.Level.choices, required=False)
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=authoring.MAX_TAG_LENGTH), required=False,
                                 max_length=authoring.MAX_TAGS)
    capacity = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    enrollment_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    enrollment_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    visibility = _choice(Course.Visibility.choices, required=False)
    price = serializers.DecimalField(max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, min_value=0, required=False,
                                     help_text="As people write it (19.99 USD, 1.500 KWD, 1500 ISK); stored in minor units. 0 = free.")
    price_currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False,
                                            error_messages={"invalid": "Use a three-letter ISO currency code such as USD."})

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the course a title.")
        return value.strip()

    def validate_tags(self, value: list[str]) -> list[str]:
        try:
            return authoring.tags_clean(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc

    def validate(self, data: dict) -> dict:
        course: Course | None = self.context.get("course")
        if course is not None and "slug" in data and not data["slug"]:
            raise serializers.ValidationError({"slug": ["The slug cannot be empty."]})
        if "price_currency" in data:
            try:
                data["price_currency"] = money.currency_clean(data["price_currency"])
            except ValidationError as exc:
                raise serializers.ValidationError({"price_currency": exc.messages}) from exc
        if "price" in data or "price_currency" in data:
            currency = data.get("price_currency", course.price_currency if course else "USD")
            if "price" in data:
                price = data.pop("price")
            else:
                price = money.from_minor(course.price_amount, course.price_currency) if course else 0
            try:
                data["price_amount"] = money.to_minor(price, currency)
            except ValidationError as exc:
                raise serializers.ValidationError({"price": exc.messages}) from exc
        opens = data.get("enrollment_opens_at", course.enrollment_opens_at if course else None)
        closes = data.get("enrollment_closes_at", course.enrollment_closes_at if course else None)
        if opens and closes and closes <= opens:
            raise serializers.ValidationError({"enrollment_closes_at": ["Enrollment must close after it opens."]})
        return data


class StudioTitleInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The title cannot be empty.")
        return value.strip()


class StudioReorderInput(serializers.Serializer):
    order = serializers.ListField(child=serializers.UUIDField(), allow_empty=False,
                                  help_text="Every current child's id, in the new order.")


class StudioItemCreateInput(serializers.Serializer):
    kind = _choice(ContentItem.Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="", help_text="Markdown (text items).")
    url = serializers.URLField(required=False, allow_blank=True, default="", max_length=1000, validators=[_http_url],
                               help_text="Video and link items.")
    file = serializers.FileField(required=False, allow_null=True, use_url=False,
                                 help_text="File items (multipart/form-data); at most 50 MB.")


class StudioItemUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(required=False, allow_blank=True)
    url = serializers.URLField(required=False, max_length=1000, validators=[_http_url])
    file = serializers.FileField(required=False, use_url=False, help_text="Replaces the file (multipart/form-data).")


class StudioCoverInput(serializers.Serializer):
    file = serializers.FileField(use_url=False, help_text="PNG, JPEG or WebP, checked by content; at most 5 MB.")


class StudioPublishInput(serializers.Serializer):
    change_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StudioRollbackInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    change_note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StudioStaffInput(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    course_role = _choice(list(authoring.COURSE_ROLES.items()))


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
        return authoring.course_list_for_studio(user=request.user)

    def course(self, need: str = VIEW) -> Course:
        course = self.get_object()
        self.caps = authoring.capabilities(self.request.user, course)
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


# --- courses -------------------------------------------------------------------------------


class CourseListApi(TenantGenericApi):
    permission_classes = STUDIO
    serializer_class = StudioCourseSummaryOutput

    def safely_get_queryset(self, request):
        return authoring.course_list_for_studio(user=request.user)

    @extend_schema(tags=TAGS, summary="Courses I work on (staff access), with what I may do in each",
                   responses={200: StudioCourseSummaryOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        caps = authoring.capabilities_by_course(user=request.user, courses=page)
        data = StudioCourseSummaryOutput(page, many=True, context={"request": request, "caps": caps}).data
        return self.get_paginated_response(data)

    @extend_schema(tags=TAGS, summary="Create a draft course (instructors and administrators)", request=StudioCourseInput,
                   responses={201: StudioCourseDetailOutput, 403: ErrorOutput})
    def post(self, request):
        if not permissions.can_create_course(request.user):
            raise PermissionDenied("Only instructors and administrators can create courses.")
        data = _validated(StudioCourseInput, request)
        course = services.course_create(author=request.user, **data)
        caps = authoring.capabilities(request.user, course)
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
            course = authoring.course_details_save(course=course, **data)
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
            course = authoring.course_details_save(course=course, cover_upload=data["file"])
        except authoring.FileTooLarge as exc:
            return _too_large(exc)
        return self.detail(course)

    @extend_schema(tags=TAGS, summary="Remove the cover image", parameters=[SLUG_PARAM], responses={204: None})
    def delete(self, request, slug):
        authoring.course_details_save(course=self.course(EDIT), remove_cover=True)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
        authoring.reorder_by_uuid(siblings=course.modules.all(), uuids=_validated(StudioReorderInput, request)["order"])
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
        authoring.reorder_by_uuid(siblings=module.lessons.all(), uuids=_validated(StudioReorderInput, request)["order"])
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
            item = authoring.item_add(lesson=lesson, kind=data["kind"], title=data["title"], author=request.user,
                                      body=data["body"], url=data["url"], upload=data.get("file"))
        except authoring.FileTooLarge as exc:
            return _too_large(exc)
        return Response(self.item_output(course, item), status=status.HTTP_201_CREATED)


class ItemReorderApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Reorder a lesson's content items", parameters=[SLUG_PARAM, ID_PARAM],
                   request=StudioReorderInput, responses={200: StudioOrderEntryOutput(many=True)})
    def post(self, request, slug, id):
        course = self.course(EDIT)
        lesson = self.lesson(course, id)
        authoring.reorder_by_uuid(siblings=lesson.items.all(), uuids=_validated(StudioReorderInput, request)["order"])
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
            item = authoring.item_change(item=item, title=data.get("title"), body=data.get("body"), url=data.get("url"),
                                         upload=data.get("file"))
        except authoring.FileTooLarge as exc:
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
        return Response(StudioVersionOutput(authoring.version_list(course), many=True, context=self.context(course)).data)


class RollbackApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Publish an earlier version again (as a new version); the draft is reset to it",
                   parameters=[SLUG_PARAM], request=StudioRollbackInput, responses={201: StudioVersionOutput})
    def post(self, request, slug):
        course = self.course(PUBLISH)
        data = _validated(StudioRollbackInput, request)
        version = services.course_rollback(course=course, version_number=data["version"], author=request.user,
                                           change_note=data["change_note"])
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


# --- staff ---------------------------------------------------------------------------------


def _staff_rows(course) -> list[dict]:
    return [{"user": user, "course_role": role} for user, role in authoring.course_staff_list(course)]


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
        before = {user.pk for user, _ in authoring.course_staff_list(course)}
        user = authoring.course_staff_add(course=course, actor=request.user, **data)
        row = {"user": user, "course_role": data["course_role"]}
        return Response(StudioStaffOutput(row).data, status=status.HTTP_200_OK if user.pk in before else status.HTTP_201_CREATED)


class StaffDetailApi(_CourseApi):
    @extend_schema(tags=TAGS, summary="Remove someone from the course staff", parameters=[SLUG_PARAM, ID_PARAM],
                   responses={204: None})
    def delete(self, request, slug, id):
        course = self.course(PUBLISH)
        member = authoring.staff_member(course, id)
        if member is None:
            raise NotFound()
        services.course_staff_set(course=course, user=member, course_role=None, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

