"""/api/v1/manage/privacy/retention: the institution's retention policies and runs (administrators)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response

from tenant_apps.accounts.api import IsTenantAdmin
from tenants.api import InTenantSchema, TenantApi

from .. import retention
from ..models_retention import RetentionRun

TAGS = ["Privacy"]


class PolicyOutput(serializers.Serializer):
    category = serializers.CharField(source="category.key")
    title = serializers.CharField(source="category.title")
    days = serializers.IntegerField()
    enabled = serializers.BooleanField()
    min_days = serializers.IntegerField()
    max_days = serializers.IntegerField()
    default_days = serializers.IntegerField()


class PolicyInput(serializers.Serializer):
    category = serializers.SlugField(max_length=32)
    days = serializers.IntegerField(min_value=1, max_value=100_000)
    enabled = serializers.BooleanField(default=True)


class RunOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    dry_run = serializers.BooleanField()
    trigger = serializers.CharField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    report = serializers.JSONField()
    error = serializers.CharField()


class RunInput(serializers.Serializer):
    dry_run = serializers.BooleanField(default=True, help_text="False: remove now what is past its period.")


class AdminApi(TenantApi):
    permission_classes = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]


class RetentionPolicyListApi(AdminApi):
    InputSerializer = PolicyInput

    @extend_schema(tags=TAGS, responses=PolicyOutput(many=True))
    def get(self, request):
        return Response(PolicyOutput(retention.policies_get(), many=True).data)

    @extend_schema(tags=TAGS, request=PolicyInput, responses=PolicyOutput)
    def put(self, request):
        data = self.validated(request)
        try:
            policy = retention.policy_set(actor=request.user, **data)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(PolicyOutput(policy).data)


class RetentionRunListApi(AdminApi):
    InputSerializer = RunInput

    @extend_schema(tags=TAGS, responses=RunOutput(many=True))
    def get(self, request):
        return Response(RunOutput(retention.runs_recent(), many=True).data)

    @extend_schema(tags=TAGS, request=RunInput, responses={201: RunOutput})
    def post(self, request):
        data = self.validated(request)
        run = retention.retention_run(dry_run=data["dry_run"], actor=request.user)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)


class RetentionRunApi(AdminApi):
    @extend_schema(tags=TAGS, responses=RunOutput)
    def get(self, request, id):
        run = RetentionRun.objects.filter(public_id=id).first()
        if run is None:
            raise Http404
        return Response(RunOutput(run).data)
