"""/api/v1/privacy/..."""
from django.urls import path

from . import policies

urlpatterns: list = [
    path("privacy/policies", policies.CurrentPoliciesApi.as_view(), name="api-privacy-policies"),
    path("privacy/consents", policies.ConsentsApi.as_view(), name="api-privacy-consents"),
    path("privacy/me/preferences", policies.PreferencesApi.as_view(), name="api-privacy-preferences"),
    path("privacy/manage/policies", policies.StaffPolicyListApi.as_view(), name="api-privacy-manage-policies"),
    path("privacy/manage/policies/<str:id>", policies.StaffPolicyDetailApi.as_view(), name="api-privacy-manage-policy"),
    path("privacy/manage/policies/<str:id>/publish", policies.StaffPolicyPublishApi.as_view(),
         name="api-privacy-manage-policy-publish"),
    path("privacy/manage/stats", policies.StaffPolicyStatsApi.as_view(), name="api-privacy-manage-stats"),
]
