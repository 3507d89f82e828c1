"""/api/v1/privacy/... and /api/v1/manage/privacy/..."""
from django.urls import path

from . import views_export, views_retention

urlpatterns = [
    path("privacy/exports", views_export.ExportListApi.as_view(), name="api-privacy-exports"),
    path("privacy/exports/<uuid:id>", views_export.ExportDetailApi.as_view(), name="api-privacy-export"),
    path("privacy/exports/<uuid:id>/download", views_export.ExportDownloadApi.as_view(), name="api-privacy-export-download"),
    path("privacy/users/<uuid:id>/exports", views_export.MemberExportListApi.as_view(), name="api-privacy-member-exports"),
    path("manage/privacy/retention", views_retention.RetentionPolicyListApi.as_view(), name="api-retention-policies"),
    path("manage/privacy/retention/runs", views_retention.RetentionRunListApi.as_view(), name="api-retention-runs"),
    path("manage/privacy/retention/runs/<uuid:id>", views_retention.RetentionRunApi.as_view(), name="api-retention-run"),
]
