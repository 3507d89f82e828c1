"""Tenant-admin pages: members, invitations, CSV import, site settings."""
from django.urls import path

from . import views_manage as views

app_name = "manage"

urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/import/", views.user_import, name="user-import"),
    path("users/import/<uuid:public_id>/", views.user_import_status, name="user-import-status"),
    path("users/import/<uuid:public_id>/progress", views.user_import_progress, name="user-import-progress"),
    path("users/import/<uuid:public_id>/rejected.csv", views.user_import_rejected, name="user-import-rejected"),
    path("users/<uuid:public_id>/", views.user_detail, name="user-detail"),
    path("users/<uuid:public_id>/role", views.user_role, name="user-role"),
    path("users/<uuid:public_id>/active", views.user_active, name="user-active"),
    path("users/<uuid:public_id>/password-reset", views.user_password_reset, name="user-password-reset"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<uuid:public_id>/revoke", views.invitation_revoke, name="invitation-revoke"),
    path("settings/", views.site_settings, name="settings"),
]
