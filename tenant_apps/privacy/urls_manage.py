"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path

from . import views_policies

app_name = "privacy_manage"

urlpatterns: list = [
    path("policies/", views_policies.manage_policies, name="policies"),
    path("policies/new", views_policies.manage_policy_new, name="policy-new"),
    path("policies/<uuid:public_id>/", views_policies.manage_policy, name="policy"),
    path("policies/<uuid:public_id>/publish", views_policies.manage_policy_publish, name="policy-publish"),
    path("policies/<uuid:public_id>/delete", views_policies.manage_policy_delete, name="policy-delete"),
    path("consents.csv", views_policies.manage_consents_csv, name="consents-csv"),
]
