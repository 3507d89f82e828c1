"""Tenant-admin pages: members, invitations, CSV import, site settings."""
from django.urls import path

from . import views_manage as views

app_name = "manage"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("settings/", views.site_settings, name="settings"),
]
