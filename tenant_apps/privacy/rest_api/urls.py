"""/api/v1/privacy/... and /api/v1/manage/privacy/..."""
from django.urls import path

from . import erasure as erasure_api
from . import policies, views_export, views_retention

urlpatterns = [
    path("privacy/exports", views_export.ExportListApi.as_view(), name="api-privacy-exports"),
    path("privacy/exports/<uuid:id>", views_export.ExportDetailApi.as_view(), name="api-privacy-export"),
    path("privacy/exports/<uuid:id>/download", views_export.ExportDownloadApi.as_view(), name="api-privacy-export-download"),
    path("manage/privacy/users/<uuid:id>/retention-hold", views_export.MemberRetentionHoldApi.as_view(),
         name="api-privacy-member-retention-hold"),
    path("manage/privacy/users/<uuid:id>/exports", views_export.MemberExportListApi.as_view(), name="api-privacy-member-exports"),
    path("manage/privacy/retention", views_retention.RetentionPolicyListApi.as_view(), name="api-retention-policies"),
    path("manage/privacy/retention/runs", views_retention.RetentionRunListApi.as_view(), name="api-retention-runs"),
    path("manage/privacy/retention/runs/<uuid:id>", views_retention.RetentionRunApi.as_view(), name="api-retention-run"),
    path("privacy/policies", policies.CurrentPoliciesApi.as_view(), name="api-privacy-policies"),
    path("privacy/consents", policies.ConsentsApi.as_view(), name="api-privacy-consents"),
    path("privacy/me/preferences", policies.PreferencesApi.as_view(), name="api-privacy-preferences"),
    path("manage/privacy/policies", policies.StaffPolicyListApi.as_view(), name="api-privacy-manage-policies"),
    path("manage/privacy/policies/<str:id>", policies.StaffPolicyDetailApi.as_view(), name="api-privacy-manage-policy"),
    path("manage/privacy/policies/<str:id>/publish", policies.StaffPolicyPublishApi.as_view(),
         name="api-privacy-manage-policy-publish"),
    path("manage/privacy/stats", policies.StaffPolicyStatsApi.as_view(), name="api-privacy-manage-stats"),
    path("privacy/erasure", erasure_api.ErasureRequestApi.as_view(), name="api-privacy-erasure"),
    path("privacy/erasure/cancel", erasure_api.ErasureCancelApi.as_view(), name="api-privacy-erasure-cancel"),
    path("manage/privacy/erasures", erasure_api.ErasureListApi.as_view(), name="api-privacy-erasures"),
    path("manage/privacy/erasures/<str:id>/retry", erasure_api.ErasureRetryApi.as_view(), name="api-privacy-erasure-retry"),
]
