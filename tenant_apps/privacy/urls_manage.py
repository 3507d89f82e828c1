"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path

from . import views_export, views_retention

app_name = "privacy_manage"

urlpatterns = [
    path("users/<uuid:public_id>/exports", views_export.member_exports, name="member-exports"),
    path("exports/<uuid:export_id>/download", views_export.member_export_download, name="export-download"),
    path("retention/", views_retention.retention_page, name="retention"),
    path("retention/policies", views_retention.policy_save, name="retention-policy"),
    path("retention/dry-run", views_retention.dry_run, name="retention-dry-run"),
    path("retention/runs/<uuid:public_id>/", views_retention.run_detail, name="retention-run"),
]
