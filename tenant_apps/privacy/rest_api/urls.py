"""/api/v1/privacy/..."""
from django.urls import path

from . import views_export

urlpatterns = [
    path("privacy/exports", views_export.ExportListApi.as_view(), name="api-privacy-exports"),
    path("privacy/exports/<uuid:id>", views_export.ExportDetailApi.as_view(), name="api-privacy-export"),
    path("privacy/exports/<uuid:id>/download", views_export.ExportDownloadApi.as_view(), name="api-privacy-export-download"),
    path("privacy/users/<uuid:id>/exports", views_export.MemberExportListApi.as_view(), name="api-privacy-member-exports"),
]
