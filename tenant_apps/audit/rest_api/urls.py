from django.urls import path

from .views import AuditListApi

urlpatterns = [path("manage/audit", AuditListApi.as_view(), name="api-manage-audit")]
