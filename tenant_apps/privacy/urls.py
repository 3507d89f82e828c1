"""People's privacy pages: /privacy/..."""
from django.urls import path

from . import views_erasure, views_export, views_policies

app_name = "privacy"

urlpatterns = [
    path("", views_export.privacy_home, name="home"),
    path("exports/", views_export.export_create, name="export-create"),
    path("exports/<uuid:export_id>/download", views_export.export_download, name="export-download"),
    path("policy", views_policies.policy_page, {"page": "policy"}, name="policy"),
    path("terms", views_policies.policy_page, {"page": "terms"}, name="terms"),
    path("versions/<uuid:public_id>", views_policies.policy_version, name="policy-version"),
    path("consent", views_policies.consent_prompt, name="consent"),
    path("choices", views_policies.choices, name="choices"),
    path("erasure/", views_erasure.erasure_request, name="erasure"),
    path("erasure/cancel/<str:token>/", views_erasure.erasure_cancel, name="erasure-cancel"),
]
