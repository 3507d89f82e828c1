from django.urls import path

from . import views

app_name = "tenant_audit"

urlpatterns = [path("", views.audit_list, name="audit")]
