"""/api/v1/privacy/..."""
from django.urls import path

from . import views_retention

urlpatterns: list = [
    path("manage/privacy/retention", views_retention.RetentionPolicyListApi.as_view(), name="api-retention-policies"),
    path("manage/privacy/retention/runs", views_retention.RetentionRunListApi.as_view(), name="api-retention-runs"),
    path("manage/privacy/retention/runs/<uuid:id>", views_retention.RetentionRunApi.as_view(), name="api-retention-run"),
]
