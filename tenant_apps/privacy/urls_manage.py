"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path

from . import views_erasure, views_export, views_policies, views_retention

app_name = "privacy_manage"

urlpatterns = [
    path("users/<uuid:public_id>/exports", views_export.member_exports, name="member-exports"),
    path("users/<uuid:public_id>/retention-hold", views_export.member_retention_hold, name="member-retention-hold"),
    path("exports/<uuid:export_id>/download", views_export.member_export_download, name="export-download"),
    path("retention/", views_retention.retention_page, name="retention"),
    path("retention/policies", views_retention.policy_save, name="retention-policy"),
    path("retention/dry-run", views_retention.dry_run, name="retention-dry-run"),
    path("retention/runs/<uuid:public_id>/", views_retention.run_detail, name="retention-run"),
    path("policies/", views_policies.manage_policies, name="policies"),
    path("policies/new", views_policies.manage_policy_new, name="policy-new"),
    path("policies/<uuid:public_id>/", views_policies.manage_policy, name="policy"),
    path("policies/<uuid:public_id>/publish", views_policies.manage_policy_publish, name="policy-publish"),
    path("policies/<uuid:public_id>/delete", views_policies.manage_policy_delete, name="policy-delete"),
    path("consents.csv", views_policies.manage_consents_csv, name="consents-csv"),
    path("settings", views_erasure.privacy_settings, name="settings"),
    path("erasures", views_erasure.erasure_list, name="erasures"),
    path("erasures/<uuid:public_id>/retry", views_erasure.erasure_retry, name="erasure-retry"),
    path("erasures/<uuid:public_id>/cancel", views_erasure.erasure_cancel_by_admin, name="erasure-cancel"),
    path("legal-holds", views_erasure.legal_holds, name="legal-holds"),
]
