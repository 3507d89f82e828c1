"""Certificates API: rules (studio, draft), staff lists/issue/bulk/revoke/reissue per course,
the learner's certificates, and public verification by number."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, renderers, serializers, status
from rest_framework.response import Response

from billing.api import feature_check
from lms.courses.api import Course, Enrollment, can_edit, can_grade
from lms.tracks import api as tracks_api
from tenants.api import InTenantSchema, TenantApi

from .. import selectors, services
from .. import views as pages
from ..models import BulkIssueJob, Certificate

TAGS = ["certificates"]


class CertificatesApi(TenantApi):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        feature_check("certificates")


def _course(request, slug: str, *, need: str = "grade") -> Course:
    course = Course.objects.select_related("published_version").filter(slug=slug[:80]).first()
    allowed = course is not None and (can_grade(request.user, course) if need == "grade" else can_edit(request.user, course))
    if not allowed:
        raise Http404
    return course


# --- serializers -----------------------------------------------------------------------------


class RuleRowInput(serializers.Serializer):
    uuid = serializers.UUIDField()
    min_percent = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)


class RefInput(serializers.Serializer):
    uuid = serializers.UUIDField()


class BandInput(serializers.Serializer):
    label = serializers.CharField(max_length=40)
    min_percent = serializers.IntegerField(min_value=0, max_value=100)


class RulesInput(serializers.Serializer):
    enabled = serializers.BooleanField()
    min_completion_percent = serializers.IntegerField(min_value=0, max_value=100, required=False, default=0)
    quizzes = RuleRowInput(many=True, required=False, max_length=200)
    assignments = RuleRowInput(many=True, required=False, max_length=200)
    projects = RefInput(many=True, required=False, max_length=200)
    courses = RefInput(many=True, required=False, max_length=200)
    grade_bands = BandInput(many=True, required=False, max_length=12)
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=7, decimal_places=2, min_value=0,
                                                                   max_value=1000), required=False)

    def to_rules(self) -> dict:
        data = dict(self.validated_data)
        for key in ("quizzes", "assignments", "projects", "courses"):
            data[key] = [dict(r) | {"uuid": str(r["uuid"])} for r in data.get(key, [])]
        if "grade_bands" in data:
            data["grade_bands"] = [dict(b) for b in data["grade_bands"]]
        data["weights"] = {k: str(v) for k, v in (data.get("weights") or {}).items()}
        return data


class RulesOutput(serializers.Serializer):
    draft = serializers.JSONField()
    published = serializers.JSONField(allow_null=True)


class CertificateOutput(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    revoked_at = serializers.SerializerMethodField()
    revocation_reason = serializers.SerializerMethodField()
    course = serializers.SerializerMethodField()
    replaces = serializers.SlugRelatedField(slug_field="number", read_only=True)
    learner_email = serializers.EmailField(source="learner.email", read_only=True)

    class Meta:
        model = Certificate
        fields = ["number", "subject_kind", "course", "version_number", "learner_name", "learner_email",
                  "subject_title", "institution_name", "issued_at", "grade_band", "total_percent", "breakdown",
                  "source", "replaces", "status", "revoked_at", "revocation_reason"]

    def get_course(self, obj) -> str | None:
        """The course's slug, while the course exists (a certificate outlives it)."""
        if not obj.course_id:
            return None
        course = Course.objects.filter(pk=obj.course_id).only("slug").first()
        return course.slug if course else None

    def _revocation(self, obj):
        return getattr(obj, "revocation", None)

    def get_status(self, obj) -> str:
        return "revoked" if self._revocation(obj) else "valid"

    def get_revoked_at(self, obj) -> str | None:
        r = self._revocation(obj)
        return r.revoked_at.isoformat() if r else None

    def get_revocation_reason(self, obj) -> str:
        r = self._revocation(obj)
        return r.reason if r else ""


class JobOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    percent = serializers.IntegerField()

    class Meta:
        model = BulkIssueJob
        fields = ["id", "status", "total", "processed", "percent", "report", "created_at", "finished_at"]


class VerificationOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["valid", "revoked", "unknown"])
    number = serializers.CharField()
    learner_name = serializers.CharField()
    subject_title = serializers.CharField()
    institution_name = serializers.CharField()
    issued_at = serializers.CharField()
    grade_band = serializers.CharField()
    revoked_at = serializers.CharField()
    revocation_reason = serializers.CharField()
    replaced_by = serializers.CharField()
    status_list = serializers.CharField(help_text="The credential's Bitstring Status List URL")
    status_list_index = serializers.CharField()
    status_list_state = serializers.ChoiceField(choices=["revoked", "not revoked", ""])


# --- rules -----------------------------------------------------------------------------------


class CourseRulesApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="The course's certificate rules (draft and published)", responses=RulesOutput)
    def get(self, request, slug):
        course = _course(request, slug, need="edit")
        published = selectors.version_rules(course.published_version) if course.published_version else None
        return Response({"draft": selectors.course_rules_draft(course=course), "published": published})

    @extend_schema(tags=TAGS, summary="Replace the DRAFT certificate rules", request=RulesInput, responses=RulesOutput)
    def put(self, request, slug):
        course = _course(request, slug, need="edit")
        serializer = RulesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = services.course_rules_update(course=course, rules=serializer.to_rules(), actor=request.user)
        published = selectors.version_rules(course.published_version) if course.published_version else None
        return Response({"draft": row.rules, "published": published})


class TrackRulesApi(CertificatesApi):
    def _track(self, request, slug):
        track = tracks_api.Track.objects.filter(slug=slug[:80]).first()
        if track is None or not tracks_api.track_permission_has(request.user, tracks_api.TRACK_EDIT, track):
            raise Http404
        return track

    @extend_schema(tags=TAGS, summary="The track's certificate rules", responses=OpenApiTypes.OBJECT)
    def get(self, request, slug):
        return Response(selectors.track_rules(track=self._track(request, slug)))

    @extend_schema(tags=TAGS, summary="Replace the track's certificate rules", request=RulesInput,
                   responses=OpenApiTypes.OBJECT)
    def put(self, request, slug):
        track = self._track(request, slug)
        serializer = RulesInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(services.track_rules_update(track=track, rules=serializer.to_rules(), actor=request.user).rules)


# --- staff -----------------------------------------------------------------------------------


class CourseCertificatesApi(CertificatesApi):
    class FilterInput(serializers.Serializer):
        status = serializers.ChoiceField(choices=["", "valid", "revoked"], required=False, default="")
        search = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        issued_from = serializers.DateTimeField(required=False)
        issued_to = serializers.DateTimeField(required=False)

    class IssueInput(serializers.Serializer):
        enrollment = serializers.UUIDField(help_text="The learner's enrollment in this course")
        override = serializers.BooleanField(required=False, default=False, help_text="Issue even if not eligible")

    @extend_schema(tags=TAGS, summary="Certificates of a course (staff)", parameters=[FilterInput],
                   responses=CertificateOutput(many=True))
    def get(self, request, slug):
        course = _course(request, slug)
        filters = self.FilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.certificate_list_for_course(course=course, **filters.validated_data)[:500]
        return Response(CertificateOutput(rows, many=True).data)

    @extend_schema(tags=TAGS, summary="Issue a learner's certificate (staff)", request=IssueInput,
                   responses={201: CertificateOutput, 200: CertificateOutput})
    def post(self, request, slug):
        course = _course(request, slug)
        data = self.validated(request, self.IssueInput)
        enrollment = (Enrollment.objects.select_related("version", "course", "learner")
                      .filter(course=course, uuid=data["enrollment"]).first())
        if enrollment is None:
            raise Http404
        result = services.certificate_issue_for_enrollment(
            enrollment=enrollment, source=Certificate.Source.STAFF, issued_by=request.user,
            allow_ineligible=data["override"])
        if result.certificate is None:
            return Response({"code": "not_eligible", "message": "The learner is not eligible.",
                             "unmet": result.eligibility.unmet if result.eligibility else []}, status=409)
        return Response(CertificateOutput(result.certificate).data, status=201 if result.created else 200)


class BulkIssueApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="Start a bulk issue to every eligible learner of the course", request=None,
                   responses={202: JobOutput})
    def post(self, request, slug):
        course = _course(request, slug)
        job = services.bulk_issue_start(course=course, actor=request.user)
        return Response(JobOutput(job).data, status=status.HTTP_202_ACCEPTED)


class BulkIssueJobApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="A bulk issue's progress and report", responses=JobOutput)
    def get(self, request, slug, job_uuid):
        job = selectors.bulk_job_get(course=_course(request, slug), job_uuid=job_uuid)
        if job is None:
            raise Http404
        return Response(JobOutput(job).data)


def _managed_certificate(request, number: str) -> Certificate:
    certificate = selectors.certificate_get_by_number(number=number)
    if certificate is None or not services._can_manage(request.user, certificate):
        raise Http404
    return certificate


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RevokeApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="Revoke a certificate (staff)", request=ReasonInput, responses=CertificateOutput)
    def post(self, request, number):
        certificate = _managed_certificate(request, number)
        data = self.validated(request, ReasonInput)
        try:
            services.certificate_revoke(certificate=certificate, reason=data["reason"], actor=request.user)
        except DjangoValidationError as exc:
            if "already" in " ".join(exc.messages):
                return Response({"code": "already_revoked", "message": exc.messages[0]}, status=409)
            raise
        return Response(CertificateOutput(selectors.certificate_get_by_number(number=number)).data)


class ReissueApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="Revoke and reissue a certificate with a new number (staff)",
                   request=ReasonInput, responses={201: CertificateOutput})
    def post(self, request, number):
        certificate = _managed_certificate(request, number)
        data = self.validated(request, ReasonInput)
        try:
            new = services.certificate_reissue(certificate=certificate, actor=request.user, reason=data["reason"])
        except DjangoValidationError as exc:
            return Response({"code": "already_reissued", "message": exc.messages[0]}, status=409)
        return Response(CertificateOutput(new).data, status=201)


# --- learners and the public -----------------------------------------------------------------


class MyCertificatesApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="My certificates", responses=CertificateOutput(many=True))
    def get(self, request):
        rows = selectors.certificate_list_for_learner(learner=request.user)[:500]
        return Response(CertificateOutput(rows, many=True).data)


class VerifyApi(TenantApi):
    permission_classes = [InTenantSchema, permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(tags=TAGS, summary="Verify a certificate by number (public)", auth=[],
                   responses={200: VerificationOutput, 404: VerificationOutput})
    def get(self, request, number):
        result = selectors.certificate_verify(number=number)
        return Response(result.__dict__, status=404 if result.status == "unknown" else 200)


# --- documents (the learner who owns it, the course's staff, tenant admins) ------------------


class _BinaryRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file's type; an error answer is still JSON."""

    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else renderers.JSONRenderer().render(data)


class PdfRenderer(_BinaryRenderer):
    media_type = "application/pdf"
    format = "pdf"


class DocumentApi(CertificatesApi):
    renderer_classes = [renderers.JSONRenderer, PdfRenderer]


class SizeInput(serializers.Serializer):
    size = serializers.ChoiceField(choices=["A4", "Letter"], required=False,
                                   help_text="Page size; the institution's default when absent")


def _size(request) -> str | None:
    data = SizeInput(data=request.query_params)
    data.is_valid(raise_exception=True)
    return data.validated_data.get("size")


class CertificatePdfApi(DocumentApi):
    @extend_schema(tags=TAGS, summary="The certificate as a PDF (with its credential embedded)", parameters=[SizeInput],
                   operation_id="certificate_pdf_retrieve",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number):
        return pages.pdf_response(pages.downloadable(request, number), kind="certificate", page_size=_size(request))


class MarksheetPdfApi(DocumentApi):
    @extend_schema(tags=TAGS, summary="The marksheet (score breakdown) as a PDF", parameters=[SizeInput],
                   operation_id="certificate_marksheet_pdf_retrieve",
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number):
        return pages.pdf_response(pages.downloadable(request, number), kind="marksheet", page_size=_size(request))


class CredentialApi(CertificatesApi):
    @extend_schema(tags=TAGS, summary="The signed Open Badges 3.0 credential (W3C Verifiable Credential)",
                   responses=OpenApiTypes.OBJECT)
    def get(self, request, number):
        certificate = services.certificate_credential_ensure(certificate=pages.downloadable(request, number))
        return pages.credential_response(certificate)
