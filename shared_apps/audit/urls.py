from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [path("", views.console_audit_list, name="console-audit")]
