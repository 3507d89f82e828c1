from django.urls import path

from .api import AuditListApi

urlpatterns = [path("manage/audit", AuditListApi.as_view(), name="api-manage-audit")]
