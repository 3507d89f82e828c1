"""Data export API: a person's own exports (request, status and progress, download), and a tenant
admin's export for one member. Another person's export and a missing one are the same 404; an
expired one is 410 for its owner; a second request while one is being prepared is 409."""
from __future__ import annotations

from django.core.files.storage import default_storage
from django.db import connection
from django.http import FileResponse, Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from tenant_apps.accounts.api import IsTenantAdmin
from tenants.api import InTenantSchema, TenantApi, error_response

from .. import export as exports
from ..members import member_or_404

TAGS = ["privacy"]


class ExportOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.SerializerMethodField()
    areas_done = serializers.IntegerField()
    areas_total = serializers.IntegerField()
    percent = serializers.IntegerField()
    requested_by_admin = serializers.BooleanField(source="by_admin")
    size = serializers.IntegerField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)
    download_url = serializers.SerializerMethodField()

    def get_status(self, export) -> str:
        return "expired" if export.is_expired else export.status

    def get_download_url(self, export) -> str | None:
        if not export.is_downloadable or not self.context.get("owner", True):
            return None
        return f"/api/v1/privacy/exports/{export.public_id}/download"


def _busy(exc) -> Response:
    return error_response(exc.messages[0], code="export_running", http_status=status.HTTP_409_CONFLICT)


def _mine(request, id):
    export = exports.export_get_for_owner(user=request.user, public_id=id)
    if export is None:
        raise Http404
    return export


class ExportListApi(TenantApi):
    @extend_schema(tags=TAGS, responses=ExportOutput(many=True))
    def get(self, request):
        return Response(ExportOutput(exports.export_list_for_user(user=request.user), many=True).data)

    @extend_schema(tags=TAGS, request=None, responses={201: ExportOutput})
    def post(self, request):
        try:
            export = exports.export_request(user=request.user, requested_by=request.user)
        except exports.ExportBusy as exc:
            return _busy(exc)
        return Response(ExportOutput(export).data, status=status.HTTP_201_CREATED)


class ExportDetailApi(TenantApi):
    @extend_schema(tags=TAGS, responses=ExportOutput)
    def get(self, request, id):
        return Response(ExportOutput(_mine(request, id)).data)


class ExportDownloadApi(TenantApi):
    @extend_schema(tags=TAGS, responses={(200, "application/zip"): bytes, 410: None})
    def get(self, request, id):
        export = _mine(request, id)
        if export.is_expired:
            return error_response("This export has expired (exports are kept 24 hours); request a new one.",
                                  code="export_expired", http_status=status.HTTP_410_GONE)
        if not export.is_downloadable or not export.file_name:
            raise Http404
        exports.export_download_record(export=export, actor=request.user)
        name = f"{connection.tenant.slug}-data-export-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
        return FileResponse(default_storage.open(export.file_name, "rb"), as_attachment=True, filename=name,
                            content_type="application/zip")


class MemberExportListApi(TenantApi):
    """Tenant admins: a member's exports (status only) and running one for them (audited). The
    member is emailed the link; the admin downloads it from the member's privacy page."""

    permission_classes = [InTenantSchema, IsAuthenticated, IsTenantAdmin]

    @extend_schema(tags=TAGS, responses=ExportOutput(many=True))
    def get(self, request, id):
        items = exports.export_list_for_user(user=member_or_404(id))
        return Response(ExportOutput(items, many=True, context={"owner": False}).data)

    @extend_schema(tags=TAGS, request=None, responses={201: ExportOutput})
    def post(self, request, id):
        try:
            export = exports.export_request(user=member_or_404(id), requested_by=request.user)
        except exports.ExportBusy as exc:
            return _busy(exc)
        return Response(ExportOutput(export, context={"owner": False}).data, status=status.HTTP_201_CREATED)


class RetentionHoldInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RetentionHoldOutput(serializers.Serializer):
    held = serializers.BooleanField()
    reason = serializers.CharField()
    since = serializers.DateTimeField(allow_null=True)


class MemberRetentionHoldApi(TenantApi):
    """Tenant admins: keep a member out of the inactive-accounts retention (PUT) or release (DELETE)."""

    permission_classes = [InTenantSchema, IsAuthenticated, IsTenantAdmin]
    InputSerializer = RetentionHoldInput

    def _state(self, member) -> dict:
        from ..models_retention import RetentionHold

        hold = RetentionHold.objects.filter(user=member).first()
        return {"held": hold is not None, "reason": hold.reason if hold else "", "since": hold.created_at if hold else None}

    @extend_schema(tags=TAGS, responses=RetentionHoldOutput)
    def get(self, request, id):
        return Response(RetentionHoldOutput(self._state(member_or_404(id))).data)

    @extend_schema(tags=TAGS, request=RetentionHoldInput, responses=RetentionHoldOutput)
    def put(self, request, id):
        from ..retention_accounts import retention_hold_set

        member = member_or_404(id)
        retention_hold_set(user=member, actor=request.user, reason=self.validated(request)["reason"])
        return Response(RetentionHoldOutput(self._state(member)).data)

    @extend_schema(tags=TAGS, request=None, responses=RetentionHoldOutput)
    def delete(self, request, id):
        from ..retention_accounts import retention_hold_clear

        member = member_or_404(id)
        retention_hold_clear(user=member, actor=request.user)
        return Response(RetentionHoldOutput(self._state(member)).data)
