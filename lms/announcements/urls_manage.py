"""Tenant-wide announcements under Manage (tenant admins); mounted at manage/announcements/."""
from django.urls import path

from . import views

app_name = "announcements_manage"

urlpatterns = [
    path("", views.manage_list, name="list"),
    path("<uuid:public_id>/", views.manage_edit, name="edit"),
    path("<uuid:public_id>/delete", views.manage_delete, name="delete"),
    path("<uuid:public_id>/attachments/<uuid:attachment_id>/delete", views.manage_attachment_delete,
         name="attachment-delete"),
]
