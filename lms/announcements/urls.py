"""Announcement pages of the audience and of the course staff (studio); mounted at the site root."""
from django.urls import path

from . import views

app_name = "announcements"
STUDIO = "studio/courses/<slug:slug>/announcements/"

urlpatterns = [
    path("announcements/", views.announcement_list, name="list"),
    path("announcements/unread/", views.dashboard_card, name="dashboard-card"),
    path("announcements/<uuid:public_id>/", views.announcement_detail, name="detail"),
    path("announcements/<uuid:public_id>/read", views.announcement_dismiss, name="dismiss"),
    path("announcements/<uuid:public_id>/attachments/<uuid:attachment_id>", views.attachment_download, name="attachment"),
    path("courses/<slug:slug>/announcements/", views.course_announcements, name="course"),
    path(STUDIO, views.staff_list, name="staff-list"),
    path(STUDIO + "<uuid:public_id>/", views.staff_edit, name="staff-edit"),
    path(STUDIO + "<uuid:public_id>/delete", views.staff_delete, name="staff-delete"),
    path(STUDIO + "<uuid:public_id>/attachments/<uuid:attachment_id>/delete", views.staff_attachment_delete,
         name="staff-attachment-delete"),
]
