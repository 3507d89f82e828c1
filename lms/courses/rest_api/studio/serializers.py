"""Studio API serializers: what the studio endpoints answer and accept."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from billing.api import money

from ... import selectors, services
from ...models import ContentItem, Course


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
    tuple(selectors.COURSE_ROLES.items()): _enum_field(list(selectors.COURSE_ROLES.items()), "StudioCourseRoleEnum"),
}


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    return _ENUMS[tuple(choices)](choices=choices, **kwargs)


def _http_url(value: str) -> None:
    if value and not value.lower().startswith(("http://", "https://")):
        raise serializers.ValidationError("Use an http:// or https:// address.")


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
        return services.display_file_name(item.file.name) if item.file else None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_file_url(self, item) -> str | None:
        if not item.file:
            return None
        course = self.context["course"]
        return self.context["request"].build_absolute_uri(
            reverse("studio:item-file", kwargs={"slug": course.slug, "item": item.uuid}))

    @extend_schema_field({"type": "string", "nullable": True, "description": "Where staff edit the quiz/assignment."})
    def get_editor_url(self, item) -> str | None:
        return selectors.editor_url(self.context["course"], item)


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

    def _caps(self, course) -> selectors.Capabilities:
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
        return StudioModuleOutput(selectors.outline_modules(course), many=True, context=self.context | {"course": course}).data


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
    course_role = _choice(list(selectors.COURSE_ROLES.items()))


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
    tags = serializers.ListField(child=serializers.CharField(max_length=services.MAX_TAG_LENGTH), required=False,
                                 max_length=services.MAX_TAGS)
    capacity = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    enrollment_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    enrollment_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    visibility = _choice(Course.Visibility.choices, required=False)
    price = serializers.DecimalField(max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, min_value=0, required=False,
                                     help_text="As people write it (19.99 USD, 1.500 KWD, 1500 ISK); stored in minor units. 0 = free.")
    price_currency = serializers.RegexField(r"^[A-Za-z]{3}$", required=False, max_length=3,
                                            error_messages={"invalid": "Use a three-letter ISO currency code such as USD."})

    def validate_title(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Give the course a title.")
        return value.strip()

    def validate_tags(self, value: list[str]) -> list[str]:
        try:
            return services.tags_clean(value)
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
    course_role = _choice(list(selectors.COURSE_ROLES.items()))

