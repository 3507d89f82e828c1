"""GET /api/v1/manage/audit: the institution's audit log for its administrators (read-only)."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers

from tenants.api import AuditFilterForm, audit_entry_list
from tenants.api import InTenantSchema, TenantGenericApi
from tenant_apps.accounts.api import IsTenantAdmin

from ..models import AuditEntry


class AuditEntryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    action = serializers.CharField()
    actor_id = serializers.IntegerField(allow_null=True)
    actor_email = serializers.CharField()
    actor_ip = serializers.CharField(allow_null=True)
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_label = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()


class AuditListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]
    serializer_class = AuditEntryOutput

    def safely_get_queryset(self, request):
        form = AuditFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        return audit_entry_list(model=AuditEntry, **form.filters())

    @extend_schema(tags=["Administration"], summary="The institution's audit log, newest first (filters: action, actor, target, date_from, date_to)")
    def get(self, request):
        return self.list(request)
