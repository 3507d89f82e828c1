"""Assignments API: the learner's own assignments and submissions (/me/...), and the course
staff's assignments, grading queue, grades, posting, categories and gradebook (/studio/...).

Learners get posted grades only. A course, assignment or submission the caller has no access
to answers 404 like a missing one; a staff member lacking the needed course permission
(a teaching assistant editing, say) gets 403.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tenants.api import TenantApi, TenantGenericApi
from tenants.api import error_response

from .. import selectors, services
from ..models import GradeCategory
from ..uploads import FileTooLarge
from . import serializers as s

LEARNER_TAGS = ["learning: assignments"]
STAFF_TAGS = ["studio: assignments and grading"]
ERRORS = {
    400: OpenApiResponse(description="Invalid input: {message, code, errors}"),
    404: OpenApiResponse(description="No such object, or not yours to see"),
}


def _staff_course(request, slug: str, need: str):
    course = selectors.course_get(slug=slug)
    access = selectors.course_access(user=request.user, course=course) if course else None
    if not access or not access["staff"]:
        raise NotFound()
    if not access[need]:
        raise PermissionDenied("Your role in this course does not allow this.")
    return course


def _refusal(exc: ValidationError) -> Response | None:
    """413 for a file that is too large, 409 for work that cannot be handed in now; None otherwise."""
    if isinstance(exc, FileTooLarge):
        return error_response(" ".join(exc.messages), code="too_large", http_status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, services.SubmissionRefused):
        return error_response(" ".join(exc.messages), code=exc.code or "refused", http_status=status.HTTP_409_CONFLICT)
    if isinstance(exc, services.HasSubmissions):
        return error_response(" ".join(exc.messages), code="has_submissions", http_status=status.HTTP_409_CONFLICT)
    return None


# --- the learner's side --------------------------------------------------------------------


def _learner_assignment(request, assignment_uuid):
    la = selectors.learner_assignment_by_uuid(learner=request.user, assignment_uuid=assignment_uuid)
    if la is None:
        raise NotFound()
    return la


class MyAssignmentApi(TenantApi):
    @extend_schema(tags=LEARNER_TAGS, summary="An assignment of a course I am enrolled in, with my submissions",
                   description="From my pinned version of the course. Grades appear once posted.",
                   responses={200: s.LearnerAssignmentOutput, 404: ERRORS[404]})
    def get(self, request, assignment_uuid):
        la = _learner_assignment(request, assignment_uuid)
        return Response(s.LearnerAssignmentOutput(la, context={"request": request}).data)


class MySubmissionCreateApi(TenantApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=LEARNER_TAGS, summary="Hand in work", request={"multipart/form-data": s.SubmissionCreateInput},
        description="Text, link and/or file, as the assignment allows. Files are judged by their content. "
                    "409: deadline passed, no submissions left or not enrolled; 413: file too large.",
        responses={201: s.LearnerSubmissionOutput, 400: ERRORS[400], 404: ERRORS[404],
                   409: OpenApiResponse(description="Not accepted now"), 413: OpenApiResponse(description="File too large")},
    )
    def post(self, request, assignment_uuid):
        la = _learner_assignment(request, assignment_uuid)
        data = self.validated(request, s.SubmissionCreateInput)
        try:
            submission = services.submission_create(
                learner=request.user, course=la.course, assignment_uuid=assignment_uuid,
                text=data.get("text", ""), url=data.get("url", ""), upload=data.get("file"),
            )
        except ValidationError as exc:
            refusal = _refusal(exc)
            if refusal is not None:
                return refusal
            raise
        entry = selectors.learner_submission_get(learner=request.user, submission_uuid=submission.uuid)
        return Response(s.LearnerSubmissionOutput(entry, context={"request": request}).data, status=status.HTTP_201_CREATED)


class MySubmissionApi(TenantApi):
    @extend_schema(tags=LEARNER_TAGS, summary="One of my submissions; its grade once posted",
                   responses={200: s.LearnerSubmissionOutput, 404: ERRORS[404]})
    def get(self, request, submission_uuid):
        entry = selectors.learner_submission_get(learner=request.user, submission_uuid=submission_uuid)
        if entry is None:
            raise NotFound()
        return Response(s.LearnerSubmissionOutput(entry, context={"request": request}).data)


class SubmissionFileApi(TenantApi):
    @extend_schema(
        tags=LEARNER_TAGS, summary="The file of a submission (its learner and the course's graders only)",
        description="Local storage streams the file; object storage answers 302 to a signed URL valid five minutes.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 302: OpenApiResponse(description="Signed URL"),
                   404: ERRORS[404]},
    )
    def get(self, request, submission_uuid):
        from ..views import submission_file_response

        submission = selectors.submission_get_for_file(user=request.user, submission_uuid=submission_uuid)
        if submission is None or not submission.file:
            raise NotFound()
        return submission_file_response(submission)


# --- staff: assignments --------------------------------------------------------------------


def _category_for(course, value):
    if value is None:
        return None
    category = GradeCategory.objects.filter(course=course, uuid=value).first()
    if category is None:
        raise ValidationError({"category": "Choose a grade category of this course."})
    return category


def _assignment_fields(course, data: dict) -> dict:
    fields = dict(data)
    if "category" in fields:
        fields["category"] = _category_for(course, fields["category"])
    if "rubric" in fields:
        fields["rubric"] = [{"criterion": c["criterion"], "levels": [dict(level) for level in c["levels"]]} for c in fields["rubric"]]
    return fields


class CourseAssignmentListApi(TenantApi):
    @extend_schema(tags=STAFF_TAGS, summary="Assignments of a course (draft settings)",
                   responses={200: s.AssignmentOutput(many=True), 404: ERRORS[404]})
    def get(self, request, slug):
        course = _staff_course(request, slug, "grade")
        return Response(s.AssignmentOutput(selectors.assignment_list(course=course), many=True).data)

    @extend_schema(tags=STAFF_TAGS, summary="Create an assignment",
                   description="Add it to a lesson through the studio to show it to learners.",
                   request=s.AssignmentInput, responses={201: s.AssignmentOutput, 400: ERRORS[400], 404: ERRORS[404]})
    def post(self, request, slug):
        course = _staff_course(request, slug, "edit")
        data = self.validated(request, s.AssignmentInput)
        assignment = services.assignment_create(course=course, **_assignment_fields(course, data))
        return Response(s.AssignmentOutput(assignment).data, status=status.HTTP_201_CREATED)


class CourseAssignmentApi(TenantApi):
    def _get(self, request, slug, assignment_uuid, need):
        course = _staff_course(request, slug, need)
        assignment = selectors.assignment_get(course=course, assignment_uuid=assignment_uuid)
        if assignment is None:
            raise NotFound()
        return course, assignment

    @extend_schema(tags=STAFF_TAGS, summary="One assignment", responses={200: s.AssignmentOutput, 404: ERRORS[404]})
    def get(self, request, slug, assignment_uuid):
        _, assignment = self._get(request, slug, assignment_uuid, "grade")
        return Response(s.AssignmentOutput(assignment).data)

    @extend_schema(tags=STAFF_TAGS, summary="Change an assignment (learners see it after the next publish)",
                   request=s.AssignmentInput(partial=True), responses={200: s.AssignmentOutput, 400: ERRORS[400], 404: ERRORS[404]})
    def patch(self, request, slug, assignment_uuid):
        course, assignment = self._get(request, slug, assignment_uuid, "edit")
        data = self.validated(request, s.AssignmentInput, partial=True)
        assignment = services.assignment_update(assignment=assignment, **_assignment_fields(course, data))
        return Response(s.AssignmentOutput(assignment).data)

    @extend_schema(tags=STAFF_TAGS, summary="Delete an assignment nobody has submitted work for",
                   responses={204: None, 404: ERRORS[404], 409: OpenApiResponse(description="Learners submitted work")})
    def delete(self, request, slug, assignment_uuid):
        _, assignment = self._get(request, slug, assignment_uuid, "edit")
        try:
            services.assignment_delete(assignment=assignment)
        except ValidationError as exc:
            refusal = _refusal(exc)
            if refusal is not None:
                return refusal
            raise
        return Response(status=status.HTTP_204_NO_CONTENT)


class PostGradesApi(TenantApi):
    @extend_schema(tags=STAFF_TAGS, summary="Post every draft grade of an assignment", request=None,
                   responses={200: s.PostGradesOutput, 404: ERRORS[404]})
    def post(self, request, slug, assignment_uuid):
        course = _staff_course(request, slug, "grade")
        assignment = selectors.assignment_get(course=course, assignment_uuid=assignment_uuid)
        if assignment is None:
            raise NotFound()
        return Response({"posted": services.grades_post(assignment=assignment, actor=request.user)})


# --- staff: grading ------------------------------------------------------------------------


class GradingQueueApi(mixins.ListModelMixin, TenantGenericApi):
    serializer_class = s.QueueItemOutput

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"], "grade")
        assignment_uuid = selectors.uuid_or_none(request.query_params.get("assignment"))
        trainer = request.user if request.query_params.get("mine") in ("1", "true") else None
        return selectors.grading_queue(course=course, assignment_uuid=assignment_uuid,
                                       trainer=trainer).select_related("learner__profile")

    @extend_schema(tags=STAFF_TAGS, summary="Submissions waiting for a grade, oldest first",
                   parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The course's slug."),
                               OpenApiParameter("assignment", OpenApiTypes.UUID, description="Only this assignment's submissions."),
                               OpenApiParameter("mine", OpenApiTypes.BOOL,
                                                description="1: only the submissions of the learners assigned to you (your trainees).")])
    def get(self, request, slug):
        return self.list(request)


def _submission_for_grader(request, submission_uuid):
    submission = selectors.submission_get_for_grader(user=request.user, submission_uuid=submission_uuid)
    if submission is None:
        raise NotFound()
    return submission


class StaffSubmissionApi(TenantApi):
    @extend_schema(tags=STAFF_TAGS, summary="A submission with its grade (draft or posted) and the grade's history",
                   responses={200: s.StaffSubmissionOutput, 404: ERRORS[404]})
    def get(self, request, submission_uuid):
        submission = _submission_for_grader(request, submission_uuid)
        return Response(s.StaffSubmissionOutput(submission, context={"request": request}).data)


class GradeApi(TenantApi):
    @extend_schema(
        tags=STAFF_TAGS, summary="Grade a submission", request=s.GradeInput,
        description="Rubric levels and/or points; the late penalty is applied. With manual posting the grade is a draft "
                    "unless `post` is true; changes of posted grades are recorded with who and when.",
        responses={200: s.StaffSubmissionOutput, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def put(self, request, submission_uuid):
        submission = _submission_for_grader(request, submission_uuid)
        data = self.validated(request, s.GradeInput)
        services.grade_save(
            submission=submission, grader=request.user, rubric_selections=data.get("rubric"), points=data.get("points"),
            feedback=data["feedback"], post=data["post"], reason=data["reason"],
        )
        submission = _submission_for_grader(request, submission_uuid)
        return Response(s.StaffSubmissionOutput(submission, context={"request": request}).data)


# --- staff: categories and gradebook -------------------------------------------------------


class CategoryListApi(TenantApi):
    @extend_schema(tags=STAFF_TAGS, summary="Grade categories of a course", responses={200: s.CategoryOutput(many=True)})
    def get(self, request, slug):
        course = _staff_course(request, slug, "grade")
        return Response(s.CategoryOutput(selectors.category_list(course=course), many=True).data)

    @extend_schema(tags=STAFF_TAGS, summary="Add a grade category", request=s.CategoryInput,
                   responses={201: s.CategoryOutput, 400: ERRORS[400], 404: ERRORS[404]})
    def post(self, request, slug):
        course = _staff_course(request, slug, "edit")
        data = self.validated(request, s.CategoryInput)
        return Response(s.CategoryOutput(services.category_create(course=course, **data)).data, status=status.HTTP_201_CREATED)


class CategoryApi(TenantApi):
    def _get(self, request, slug, category_uuid):
        course = _staff_course(request, slug, "edit")
        category = selectors.category_list(course=course).filter(uuid=category_uuid).first()
        if category is None:
            raise NotFound()
        return category

    @extend_schema(tags=STAFF_TAGS, summary="Rename or re-weigh a grade category", request=s.CategoryInput(partial=True),
                   responses={200: s.CategoryOutput, 400: ERRORS[400], 404: ERRORS[404]})
    def patch(self, request, slug, category_uuid):
        category = self._get(request, slug, category_uuid)
        data = self.validated(request, s.CategoryInput, partial=True)
        return Response(s.CategoryOutput(services.category_update(category=category, **data)).data)

    @extend_schema(tags=STAFF_TAGS, summary="Remove a grade category (its items become uncategorised)",
                   responses={204: None, 404: ERRORS[404]})
    def delete(self, request, slug, category_uuid):
        services.category_delete(category=self._get(request, slug, category_uuid))
        return Response(status=status.HTTP_204_NO_CONTENT)


class GradebookApi(TenantApi):
    @extend_schema(tags=STAFF_TAGS, summary="The course's gradebook: learners × graded items, category and course totals",
                   description="Totals count posted grades only. Percentages are strings with two decimals.",
                   responses={200: s.GradebookOutput, 404: ERRORS[404]})
    def get(self, request, slug):
        course = _staff_course(request, slug, "grade")
        return Response(s.GradebookOutput(selectors.gradebook(course=course)).data)
