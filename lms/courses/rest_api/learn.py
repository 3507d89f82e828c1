"""Learner API: catalog, published course outlines, enrollment, progress; and course staff's
enrollment list and bulk enrollment.

Learners only ever receive published snapshots (the catalog and course outline: the current
version; their own enrollment: their pinned version), and only uuids, kinds and titles of
items: quiz and assignment payloads (answers) are never sent. Missing and forbidden objects
both answer 404. Slugs and uuids are matched as strings so a malformed one answers a JSON 404.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from tenants.api import InTenantSchema, TenantApi, TenantGenericApi
from tenants.api import PlanLimitExceeded, error_response

from .. import selectors, services
from ..forms_learn import BULK_ENROLL_MAX
from ..markdown import render_markdown
from ..models import Course, Enrollment

CATALOG_TAGS = ["courses"]
LEARNING_TAGS = ["learning"]
STAFF_TAGS = ["course enrollments"]
PUBLIC = [InTenantSchema, permissions.AllowAny]
KINDS = "One of: text, video, file, link, quiz, assignment."
STATUSES = "One of: active, completed, dropped."


def _validated(serializer_class, request, *, data=None) -> dict:
    serializer = serializer_class(data=request.data if data is None else data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- serializers ---------------------------------------------------------------------------


class CourseCardOutput(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField(source="pub.title")
    summary = serializers.CharField(source="pub.summary", allow_blank=True)
    level = serializers.ChoiceField(source="pub.level", choices=Course.Level.choices)
    estimated_minutes = serializers.IntegerField(source="pub.estimated_minutes", allow_null=True)
    tags = serializers.ListField(source="pub.tags", child=serializers.CharField())
    price_amount = serializers.IntegerField(help_text="Minor units (cents); 0 means free.")
    price_currency = serializers.CharField()
    is_free = serializers.BooleanField()
    is_enrolled = serializers.BooleanField(help_text="The caller has an active or completed enrollment.")


class OutlineItemOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = serializers.CharField(help_text=KINDS)
    title = serializers.CharField()


class OutlineLessonOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    items = OutlineItemOutput(many=True)


class OutlineModuleOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    lessons = OutlineLessonOutput(many=True)


class MyEnrollmentBriefOutput(serializers.Serializer):
    status = serializers.CharField(help_text=STATUSES)
    progress_percent = serializers.IntegerField()
    version = serializers.IntegerField(source="version.number")


class CourseDetailOutput(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, help_text="Markdown source.")
    description_html = serializers.CharField(help_text="Sanitised HTML.")
    level = serializers.ChoiceField(choices=Course.Level.choices)
    estimated_minutes = serializers.IntegerField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())
    price_amount = serializers.IntegerField(help_text="Minor units (cents); 0 means free.")
    price_currency = serializers.CharField()
    is_free = serializers.BooleanField()
    capacity = serializers.IntegerField(allow_null=True)
    places_left = serializers.IntegerField(allow_null=True)
    enrollment_opens_at = serializers.DateTimeField(allow_null=True)
    enrollment_closes_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="The published version this outline comes from.")
    modules = OutlineModuleOutput(many=True)
    enrollment = MyEnrollmentBriefOutput(allow_null=True, help_text="The caller's enrollment, if any.")


def _course_detail(page: selectors.CoursePage) -> dict:
    info, course = page.info, page.course
    return {
        "slug": course.slug, "title": info["title"], "summary": info.get("summary", ""),
        "description": info.get("description", ""), "description_html": render_markdown(info.get("description", "")),
        "level": info.get("level"), "estimated_minutes": info.get("estimated_minutes"), "tags": info.get("tags") or [],
        "price_amount": course.price_amount, "price_currency": course.price_currency, "is_free": course.is_free,
        "capacity": course.capacity, "places_left": page.places_left,
        "enrollment_opens_at": course.enrollment_opens_at, "enrollment_closes_at": course.enrollment_closes_at,
        "version": page.version_number, "modules": page.outline,
        "enrollment": page.enrollment if page.is_enrolled else None,
    }


class EnrollmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    course = serializers.SlugField(source="course.slug")
    course_title = serializers.CharField(help_text="From the version the learner is on.")
    status = serializers.CharField(help_text=STATUSES)
    progress_percent = serializers.IntegerField()
    version = serializers.IntegerField(source="version.number", help_text="The version the learner is pinned to.")
    upgrade_available = serializers.BooleanField(help_text="A newer version is published; see …/upgrade.")
    next_item = serializers.UUIDField(source="next_item_uuid", allow_null=True, help_text="First item not completed.")
    last_item = serializers.UUIDField(source="last_item_uuid", allow_null=True, help_text="Last item visited.")
    enrolled_at = serializers.DateTimeField(source="created_at")
    completed_at = serializers.DateTimeField(allow_null=True)


class ItemStateOutput(OutlineItemOutput):
    ref_uuid = serializers.UUIDField(allow_null=True, help_text="Quiz or assignment id (for their own endpoints).")
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    video_position_seconds = serializers.IntegerField()
    time_spent_seconds = serializers.IntegerField()


class LessonStateOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    items = ItemStateOutput(many=True)


class ModuleStateOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    lessons = LessonStateOutput(many=True)


class EnrollmentDetailOutput(EnrollmentOutput):
    modules = ModuleStateOutput(many=True, help_text="The outline of the learner's version with each item's state.")


def _enrollment_detail(enrollment: Enrollment) -> dict:
    """`enrollment` comes with its version's snapshot (selectors.enrollment_get_for_learning)."""
    progress = selectors.item_progress_map(enrollment=enrollment)
    data = EnrollmentOutput(selectors.enrollment_summarise(enrollment=enrollment, progress=progress)).data
    outline = selectors.outline_with_progress(enrollment.version.snapshot, progress)
    data["modules"] = ModuleStateOutput(outline, many=True).data
    return data


class ItemProgressOutput(serializers.Serializer):
    item = serializers.UUIDField(source="item_uuid")
    completed = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    video_position_seconds = serializers.IntegerField()
    time_spent_seconds = serializers.IntegerField()
    version = serializers.IntegerField(source="version_number", help_text="The version the progress was made against.")
    course_progress_percent = serializers.IntegerField()
    enrollment_status = serializers.CharField(help_text=STATUSES)


def _item_progress(progress, enrollment: Enrollment) -> dict:
    enrollment.refresh_from_db(fields=["progress_percent", "status"])
    return ItemProgressOutput({
        "item_uuid": progress.item_uuid, "completed": progress.completed_at is not None,
        "completed_at": progress.completed_at, "video_position_seconds": progress.video_position_seconds,
        "time_spent_seconds": progress.time_spent_seconds, "version_number": progress.version_number,
        "course_progress_percent": enrollment.progress_percent, "enrollment_status": enrollment.status,
    }).data


class StaffEnrollmentOutput(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    learner_email = serializers.EmailField(source="learner.email")
    learner_name = serializers.CharField(source="learner.get_full_name")
    status = serializers.CharField(help_text=STATUSES)
    source = serializers.ChoiceField(choices=Enrollment.Source.choices)
    note = serializers.CharField(allow_blank=True)
    enrolled_by = serializers.EmailField(source="enrolled_by.email", allow_null=True, default=None)
    progress_percent = serializers.IntegerField()
    version = serializers.IntegerField(source="version.number")
    enrolled_at = serializers.DateTimeField(source="created_at")
    completed_at = serializers.DateTimeField(allow_null=True)
    dropped_at = serializers.DateTimeField(allow_null=True)


class RefusedOutput(serializers.Serializer):
    email = serializers.CharField()
    reason = serializers.CharField()


class BulkEnrollOutput(serializers.Serializer):
    enrolled = StaffEnrollmentOutput(many=True)
    refused = RefusedOutput(many=True)


class BulkEnrollInput(serializers.Serializer):
    emails = serializers.ListField(child=serializers.EmailField(max_length=150), allow_empty=False,
                                   max_length=BULK_ENROLL_MAX)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="Kept with each enrollment (scholarship, special case).")


class CatalogFilterInput(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    level = serializers.ChoiceField(choices=Course.Level.choices, required=False, allow_blank=True)
    tag = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ProgressInput(serializers.Serializer):
    video_position_seconds = serializers.IntegerField(min_value=0, max_value=10**7, required=False, allow_null=True)
    time_spent_seconds = serializers.IntegerField(min_value=0, max_value=3600, required=False, default=0,
                                                  help_text="Seconds since the last report (at most 3600).")


ERROR = OpenApiResponse(description="Error: {message, code, errors?}")


# --- catalog and course outline -----------------------------------------------------------


class CatalogApi(TenantGenericApi):
    permission_classes = PUBLIC
    serializer_class = CourseCardOutput

    def safely_get_queryset(self, request):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        filters = _validated(CatalogFilterInput, request, data=request.query_params)
        return selectors.catalog_list(
            user=request.user, search=filters.get("search", "").strip(), level=filters.get("level", ""),
            tag=filters.get("tag", "").strip(),
        )

    @extend_schema(
        tags=CATALOG_TAGS, summary="The course catalog: published, listed courses", operation_id="courses_catalog_list",
        responses={200: CourseCardOutput(many=True), 400: ERROR},
        parameters=[
            OpenApiParameter("search", str, description="Part of the title or summary."),
            OpenApiParameter("level", str, enum=Course.Level.values),
            OpenApiParameter("tag", str),
        ],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CourseCardOutput(page, many=True).data)


class CourseDetailApi(TenantApi):
    permission_classes = PUBLIC

    @extend_schema(tags=CATALOG_TAGS, summary="A published course with its outline (listed or unlisted)",
                   operation_id="courses_catalog_retrieve",
                   responses={200: CourseDetailOutput, 404: ERROR})
    def get(self, request, slug):
        page = selectors.course_page_get(slug=slug, user=request.user)
        if page is None:
            raise NotFound()
        return Response(CourseDetailOutput(_course_detail(page)).data)


class EnrollApi(TenantApi):
    @extend_schema(
        tags=LEARNING_TAGS, summary="Enroll yourself in a free course", request=None, operation_id="courses_enroll",
        description=(
            "400: enrollment window closed or not yet open, course full. 402: a paid course (`checkout_url` "
            "tells where to pay once paid enrollment exists), or code `plan_limit_reached` while the site is over "
            "its plan's learner limit. 409: already enrolled. Enrolling again after "
            "dropping keeps your progress."
        ),
        responses={201: EnrollmentOutput, 400: ERROR, 402: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, slug):
        course = selectors.course_get_published(slug=slug)
        if course is None:
            raise NotFound()
        title = course.published_version.snapshot["course"]["title"]
        existing = selectors.enrollment_get(learner=request.user, course=course)
        if existing is not None and existing.status in selectors.ACTIVE_STATUSES:
            return error_response(f"You are already enrolled in “{title}”.", code="already_enrolled",
                                  http_status=status.HTTP_409_CONFLICT)
        try:
            enrollment = services.enrollment_create(course=course, learner=request.user)
        except services.PaymentRequired:
            step = selectors.paid_enrollment_next_step(course=course, learner=request.user)
            return Response({"message": step.message, "code": "payment_required", "checkout_url": step.checkout_url},
                            status=status.HTTP_402_PAYMENT_REQUIRED)
        except PlanLimitExceeded:
            raise  # 402 plan_limit_reached, from the API's error handler
        except ValidationError as exc:
            return error_response(selectors.learner_message(exc, course=course, title=title), code="enrollment_refused")
        summary = selectors.enrollment_summary_get(enrollment=enrollment)
        return Response(EnrollmentOutput(summary).data, status=status.HTTP_201_CREATED)


class DropApi(TenantApi):
    @extend_schema(tags=LEARNING_TAGS, summary="Leave a course (records and progress are kept)", request=None,
                   operation_id="courses_drop",
                   responses={200: EnrollmentOutput, 404: ERROR, 409: ERROR})
    def post(self, request, slug):
        enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
        if enrollment is None:
            if selectors.course_get_published(slug=slug) is None:
                raise NotFound()
            return error_response("You are not enrolled in this course.", code="not_enrolled",
                                  http_status=status.HTTP_409_CONFLICT)
        services.enrollment_drop(enrollment=enrollment)
        return Response(EnrollmentOutput(selectors.enrollment_summary_get(enrollment=enrollment)).data)


# --- my enrollments and progress ----------------------------------------------------------


class MyEnrollmentListApi(TenantGenericApi):
    serializer_class = EnrollmentOutput

    def safely_get_queryset(self, request):
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return selectors.enrollment_list_for_dashboard(learner=request.user)

    @extend_schema(tags=LEARNING_TAGS, summary="My courses (active and completed) with progress and next item",
                   operation_id="me_enrollments_list",
                   responses={200: EnrollmentOutput(many=True)})
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(EnrollmentOutput(selectors.enrollments_with_next_item(page), many=True).data)


class _MyEnrollmentApi(TenantApi):
    def enrollment(self, request, slug) -> Enrollment:
        enrollment = selectors.enrollment_get_for_learning(learner=request.user, slug=slug)
        if enrollment is None:
            raise NotFound()
        return enrollment

    def item_in_version(self, enrollment: Enrollment, item_uuid) -> dict:
        """The item of the learner's version (snapshot entry); 404 if it is not in it."""
        parsed = selectors.parse_uuid(item_uuid)
        found = selectors.snapshot_find_item(enrollment.version.snapshot, str(parsed)) if parsed else None
        if found is None:
            raise NotFound()
        return found[2]


class MyEnrollmentDetailApi(_MyEnrollmentApi):
    @extend_schema(tags=LEARNING_TAGS, summary="One of my courses: the outline of my version with each item's state",
                   operation_id="me_enrollments_retrieve",
                   responses={200: EnrollmentDetailOutput, 404: ERROR})
    def get(self, request, slug):
        return Response(_enrollment_detail(self.enrollment(request, slug)))


class ItemCompleteApi(_MyEnrollmentApi):
    @extend_schema(tags=LEARNING_TAGS, summary="Mark an item of my version complete", request=None,
                   operation_id="me_enrollments_item_complete",
                   description="Text, video, file and link items. Quizzes and assignments are completed by submitting "
                               "them (409 here).",
                   responses={200: ItemProgressOutput, 404: ERROR, 409: ERROR})
    def post(self, request, slug, item_uuid):
        enrollment = self.enrollment(request, slug)
        item = self.item_in_version(enrollment, item_uuid)
        if not selectors.item_self_completable(item):
            return error_response(f"This {item['kind']} is completed by submitting it.", code="completed_by_submission",
                                  http_status=status.HTTP_409_CONFLICT)
        progress = services.progress_item_complete(enrollment=enrollment, item_uuid=item["uuid"])
        return Response(_item_progress(progress, enrollment))


class ItemProgressApi(_MyEnrollmentApi):
    @extend_schema(
        tags=LEARNING_TAGS, summary="Report video position and time spent on an item", request=ProgressInput,
        operation_id="me_enrollments_item_progress",
        description="Sent by the player every few seconds: `time_spent_seconds` is added (at most 3600 a call), "
                    "`video_position_seconds` replaces the stored position. Also remembers the item for resuming.",
        responses={200: ItemProgressOutput, 400: ERROR, 404: ERROR},
    )
    def post(self, request, slug, item_uuid):
        enrollment = self.enrollment(request, slug)
        item = self.item_in_version(enrollment, item_uuid)
        data = self.validated(request, ProgressInput)
        progress = services.progress_item_visit(
            enrollment=enrollment, item_uuid=item["uuid"], video_position_seconds=data.get("video_position_seconds"),
            time_spent_seconds=data.get("time_spent_seconds") or 0,
        )
        return Response(_item_progress(progress, enrollment))


class UpgradeApi(_MyEnrollmentApi):
    @extend_schema(tags=LEARNING_TAGS, summary="Move to the newest published version (completed items are kept)",
                   operation_id="me_enrollments_upgrade",
                   request=None, responses={200: EnrollmentDetailOutput, 404: ERROR, 409: ERROR})
    def post(self, request, slug):
        enrollment = self.enrollment(request, slug)
        try:
            services.enrollment_move_to_version(enrollment=enrollment)
        except ValidationError as exc:
            return error_response(" ".join(exc.messages), code="no_published_version", http_status=status.HTTP_409_CONFLICT)
        return Response(_enrollment_detail(enrollment))


# --- course staff ------------------------------------------------------------------------------


class CourseEnrollmentsApi(TenantGenericApi):
    """Instructors of the course and tenant admins; anyone else gets 404."""

    serializer_class = StaffEnrollmentOutput

    def staff_course(self, request) -> Course:
        course = selectors.course_get_for_staff(slug=self.kwargs["slug"], user=request.user)
        if course is None:
            raise NotFound()
        return course

    def safely_get_queryset(self, request):
        if getattr(self, "swagger_fake_view", False):
            return Enrollment.objects.none()
        return selectors.course_enrollment_list(course=self.staff_course(request))

    @extend_schema(tags=STAFF_TAGS, summary="Enrollments of a course (dropped ones included)",
                   operation_id="courses_enrollments_list", responses={200: StaffEnrollmentOutput(many=True), 404: ERROR})
    def get(self, request, slug):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(StaffEnrollmentOutput(page, many=True).data)

    @extend_schema(
        tags=STAFF_TAGS, summary="Enroll learners by email, with a note", request=BulkEnrollInput,
        operation_id="courses_enrollments_bulk_create",
        description="Staff enrollment ignores the enrollment window and the price but not the capacity. "
                    "Each address is enrolled or listed in `refused` with the reason.",
        responses={200: BulkEnrollOutput, 400: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, slug):
        course = self.staff_course(request)
        data = _validated(BulkEnrollInput, request)
        if course.published_version_id is None:
            return error_response("Publish the course before enrolling learners.", code="not_published",
                                  http_status=status.HTTP_409_CONFLICT)
        emails = list(dict.fromkeys(e.strip().lower() for e in data["emails"]))
        learners, refused = selectors.learners_for_emails(emails)
        enrolled, not_enrolled = services.enrollment_bulk_create(
            course=course, learners=learners, enrolled_by=request.user, note=data["note"],
        )
        refused += [(learner.email, reason) for learner, reason in not_enrolled]
        return Response(BulkEnrollOutput({
            "enrolled": enrolled, "refused": [{"email": e, "reason": r} for e, r in refused],
        }).data)


learn_urlpatterns = [
    path("courses", CatalogApi.as_view(), name="api-learn-catalog"),
    path("courses/<str:slug>", CourseDetailApi.as_view(), name="api-learn-course"),
    path("courses/<str:slug>/enroll", EnrollApi.as_view(), name="api-learn-enroll"),
    path("courses/<str:slug>/drop", DropApi.as_view(), name="api-learn-drop"),
    path("courses/<str:slug>/enrollments", CourseEnrollmentsApi.as_view(), name="api-learn-course-enrollments"),
    path("me/enrollments", MyEnrollmentListApi.as_view(), name="api-learn-my-enrollments"),
    path("me/enrollments/<str:slug>", MyEnrollmentDetailApi.as_view(), name="api-learn-my-enrollment"),
    path("me/enrollments/<str:slug>/upgrade", UpgradeApi.as_view(), name="api-learn-upgrade"),
    path("me/enrollments/<str:slug>/items/<str:item_uuid>/complete", ItemCompleteApi.as_view(),
         name="api-learn-item-complete"),
    path("me/enrollments/<str:slug>/items/<str:item_uuid>/progress", ItemProgressApi.as_view(),
         name="api-learn-item-progress"),
]
