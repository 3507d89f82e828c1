"""Erasure API: POST /api/v1/privacy/erasure (the person, with their password), POST
/api/v1/privacy/erasure/cancel (the emailed token, no login: the account is locked), and for
administrators GET/POST /api/v1/manage/privacy/erasures and POST …/<id>/retry."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.response import Response

from tenant_apps.accounts.api import IsTenantAdmin
from tenants.api import InTenantSchema, TenantApi, TenantGenericApi, error_response

from .. import erasure

ADMIN_ONLY = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]
TAGS = ["privacy"]


class ErasureOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    pseudonym = serializers.CharField()
    status = serializers.CharField()
    by_self = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    scheduled_for = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    step = serializers.IntegerField()
    steps_total = serializers.IntegerField()
    log = serializers.JSONField()
    error = serializers.CharField()
    attempts = serializers.IntegerField()


def _conflict(exc: ValidationError):
    return error_response(exc.messages[0], code=getattr(exc, "code", None) or "conflict", http_status=409)


class ErasureSelfInput(serializers.Serializer):
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class ErasureCancelInput(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class ErasureMemberInput(serializers.Serializer):
    user = serializers.UUIDField(help_text="The member's id (their profile's public id, as in /api/v1/users).")


class ErasureRequestApi(TenantApi):
    """The signed-in person asks for their own erasure; they are signed out at once."""

    InputSerializer = ErasureSelfInput

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: ErasureOutput},
                   summary="Erase my account (after the cool-off; cancellable with the emailed link)")
    def post(self, request):
        data = self.validated(request)
        if not request.user.check_password(data["password"]):
            raise serializers.ValidationError({"password": ["That is not your password."]})
        try:
            created = erasure.erasure_request_create(user=request.user)
        except ValidationError as exc:
            return _conflict(exc)
        return Response(ErasureOutput(created).data, status=201)


class ErasureCancelApi(TenantApi):
    """The emailed token cancels during the cool-off; no login (the account is locked)."""

    permission_classes = [InTenantSchema]
    authentication_classes: list = []

    InputSerializer = ErasureCancelInput

    @extend_schema(tags=TAGS, request=InputSerializer, responses={200: None}, auth=[],
                   summary="Cancel an erasure during its cool-off (token from the email)")
    def post(self, request):
        data = self.validated(request)
        found = erasure.erasure_request_for_token(token=data["token"])
        if found is None:
            return error_response("This cancel link is not valid.", code="not_found", http_status=404)
        try:
            erasure.erasure_cancel(request=found, actor=found.user)
        except ValidationError as exc:
            return _conflict(exc)
        return Response({"status": "cancelled"})


class ErasureListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = ErasureOutput

    InputSerializer = ErasureMemberInput

    def safely_get_queryset(self, request):
        return erasure.erasure_request_list()

    @extend_schema(tags=TAGS, summary="Erasure requests, newest first")
    def get(self, request):
        return self.list(request)

    @extend_schema(tags=TAGS, request=InputSerializer, responses={201: ErasureOutput},
                   summary="Request the erasure of a member (audited)")
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = User.objects.filter(profile__public_id=serializer.validated_data["user"]).first()
        if user is None:
            return error_response("No member has this id.", code="not_found", http_status=404)
        try:
            created = erasure.erasure_request_create(user=user, actor=request.user)
        except ValidationError as exc:
            return _conflict(exc)
        return Response(ErasureOutput(created).data, status=201)


class ErasureRetryApi(TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = ErasureOutput
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return erasure.erasure_request_list()

    @extend_schema(tags=TAGS, request=None, responses={200: ErasureOutput}, summary="Run a failed erasure again")
    def post(self, request, id):
        try:
            retried = erasure.erasure_retry(request=self.get_object(), actor=request.user)
        except ValidationError as exc:
            return _conflict(exc)
        return Response(ErasureOutput(retried).data)
