"""/api/v1/privacy/ policies and consent: the current versions, accepting them, one's optional
consents; for tenant admins, versions (drafts, publishing) and acceptance figures."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response

from tenant_apps.accounts.api import IsTenantAdmin
from tenants.api import InTenantSchema, TenantApi, error_response

from .. import consent, policies
from ..models_policies import PolicyDocument

ADMIN_ONLY = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]
TAGS = ["privacy"]


class PolicyOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.ChoiceField(choices=PolicyDocument.Kind.choices)
    version = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    body_html = serializers.SerializerMethodField()
    effective_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    reconsent = serializers.BooleanField()

    def get_body_html(self, document) -> str:
        return str(policies.render_policy(document))


class PolicyStaffOutput(PolicyOutput):
    status = serializers.SerializerMethodField()
    accepted = serializers.SerializerMethodField()

    def get_status(self, document) -> str:
        from django.utils import timezone

        if not document.published_at:
            return "draft"
        return "scheduled" if document.effective_at > timezone.now() else "published"

    def get_accepted(self, document) -> int:
        return document.consents.values("user").distinct().count()


class CurrentPolicyOutput(PolicyOutput):
    consent_required = serializers.BooleanField(help_text="The caller must accept this version before continuing")


class CurrentPoliciesOutput(serializers.Serializer):
    results = CurrentPolicyOutput(many=True)


class ConsentsInput(serializers.Serializer):
    documents = serializers.ListField(child=serializers.UUIDField(), min_length=1, max_length=10,
                                      help_text="Ids of the published versions accepted")


class AcceptedOutput(serializers.Serializer):
    document = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PolicyDocument.Kind.choices)
    version = serializers.IntegerField()
    accepted_at = serializers.DateTimeField()


class ConsentsOutput(serializers.Serializer):
    accepted = AcceptedOutput(many=True)
    consent_required = serializers.BooleanField()


class PreferencesSerializer(serializers.Serializer):
    marketing_email = serializers.BooleanField(required=False)
    analytics = serializers.BooleanField(required=False)


class PublishInput(serializers.Serializer):
    effective_at = serializers.DateTimeField(required=False, allow_null=True,
                                             help_text="Omitted or null: now. Never before the latest published version.")


class StatsRowOutput(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=PolicyDocument.Kind.choices)
    version = serializers.IntegerField()
    effective_at = serializers.DateTimeField()
    accepted = serializers.IntegerField()
    active_members = serializers.IntegerField()
    acceptance_rate = serializers.FloatField()


class StatsOutput(serializers.Serializer):
    results = StatsRowOutput(many=True)


class StaffPoliciesOutput(serializers.Serializer):
    results = PolicyStaffOutput(many=True)


class CurrentPoliciesApi(TenantApi):
    """The versions in effect now; for a signed-in caller also which of them they still must accept."""

    permission_classes = [InTenantSchema, permissions.AllowAny]

    @extend_schema(tags=TAGS, responses=CurrentPoliciesOutput)
    def get(self, request):
        documents = policies.policy_current_all()
        missing = {d["id"] for d in consent.consent_missing(user=request.user)} if request.user.is_authenticated else set()
        return Response({"results": [{**PolicyOutput(d).data, "consent_required": d.pk in missing} for d in documents]})


class ConsentsApi(TenantApi):
    @extend_schema(tags=TAGS, request=ConsentsInput, responses={201: ConsentsOutput})
    def post(self, request):
        ids = self.validated(request, ConsentsInput)["documents"]
        documents = list(PolicyDocument.objects.filter(public_id__in=ids, published_at__isnull=False))
        if len(documents) != len(set(ids)):
            return error_response("Unknown policy version.", code="not_found", http_status=404)
        records = consent.consent_accept(user=request.user, documents=documents, source="api", request=request)
        return Response({"accepted": [{"document": str(r.document.public_id), "kind": r.document.kind,
                                       "version": r.document.version, "accepted_at": r.accepted_at} for r in records],
                         "consent_required": consent.consent_missing(user=request.user) != []}, status=201)


class PreferencesApi(TenantApi):
    @extend_schema(tags=TAGS, responses=PreferencesSerializer)
    def get(self, request):
        return Response(consent.choices_current(user=request.user))

    @extend_schema(tags=TAGS, request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request):
        data = self.validated(request, PreferencesSerializer)
        return Response(consent.choices_update(user=request.user, request=request, **data))


# --- tenant admins ---------------------------------------------------------------------------------

class PolicyCreateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PolicyDocument.Kind.choices)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=200_000)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    reconsent = serializers.BooleanField(default=True)


class PolicyUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    body = serializers.CharField(max_length=200_000, required=False)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    reconsent = serializers.BooleanField(required=False)


def _document(id_: str) -> PolicyDocument | None:
    try:
        return PolicyDocument.objects.filter(public_id=id_).first()
    except Exception:  # noqa: BLE001 - a malformed id is an unknown one
        return None


class StaffPolicyListApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=TAGS, responses=StaffPoliciesOutput, operation_id="privacy_manage_policies_list")
    def get(self, request):
        return Response({"results": PolicyStaffOutput(policies.policy_list_for_staff(), many=True).data})

    @extend_schema(tags=TAGS, request=PolicyCreateInput, responses={201: PolicyStaffOutput})
    def post(self, request):
        data = self.validated(request, PolicyCreateInput)
        document = policies.policy_draft_create(created_by=request.user, **data)
        return Response(PolicyStaffOutput(document).data, status=201)


class StaffPolicyDetailApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=TAGS, responses=PolicyStaffOutput)
    def get(self, request, id):  # noqa: A002
        document = _document(id)
        if document is None:
            return error_response("Not found.", code="not_found", http_status=404)
        return Response(PolicyStaffOutput(document).data)

    @extend_schema(tags=TAGS, request=PolicyUpdateInput, responses=PolicyStaffOutput)
    def patch(self, request, id):  # noqa: A002
        document = _document(id)
        if document is None:
            return error_response("Not found.", code="not_found", http_status=404)
        data = self.validated(request, PolicyUpdateInput, partial=True)
        fields = {"title": document.title, "body": document.body, "summary": document.summary,
                  "reconsent": document.reconsent} | data
        try:
            document = policies.policy_draft_update(document=document, **fields)
        except policies.PolicyImmutable as exc:
            return error_response(str(exc), code="published", http_status=409)
        return Response(PolicyStaffOutput(document).data)


class StaffPolicyPublishApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=TAGS, request=PublishInput, responses=PolicyStaffOutput)
    def post(self, request, id):  # noqa: A002
        document = _document(id)
        if document is None:
            return error_response("Not found.", code="not_found", http_status=404)
        data = self.validated(request, PublishInput)
        try:
            document = policies.policy_publish(document=document, effective_at=data.get("effective_at"), actor=request.user)
        except policies.PolicyImmutable as exc:
            return error_response(str(exc), code="published", http_status=409)
        return Response(PolicyStaffOutput(document).data)


class StaffPolicyStatsApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=TAGS, responses=StatsOutput)
    def get(self, request):
        return Response({"results": [
            {"id": str(r["document"].public_id), "kind": r["document"].kind, "version": r["document"].version,
             "effective_at": r["document"].effective_at, "accepted": r["accepted"], "active_members": r["active"],
             "acceptance_rate": round(r["rate"], 4)} for r in policies.policy_acceptance_rows()]})
