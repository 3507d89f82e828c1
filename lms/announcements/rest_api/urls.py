"""/api/v1/ routes of announcements: the member's (/me/...), the course staff's (/studio/...), tenant admins' (/manage/...)."""
from django.urls import path

from . import views

STUDIO = "studio/courses/<slug:slug>/announcements"

urlpatterns = [
    path("me/announcements", views.MyAnnouncementListApi.as_view(), name="api-my-announcements"),
    path("me/announcements/<uuid:id>", views.MyAnnouncementApi.as_view(), name="api-my-announcement"),
    path("me/announcements/<uuid:id>/read", views.MyAnnouncementReadApi.as_view(), name="api-my-announcement-read"),
    path(STUDIO, views.CourseAnnouncementListApi.as_view(), name="api-course-announcements"),
    path(STUDIO + "/<uuid:id>", views.CourseAnnouncementApi.as_view(), name="api-course-announcement"),
    path(STUDIO + "/<uuid:id>/reads", views.CourseAnnouncementReadsApi.as_view(), name="api-course-announcement-reads"),
    path(STUDIO + "/<uuid:id>/attachments", views.CourseAnnouncementAttachmentsApi.as_view(),
         name="api-course-announcement-attachments"),
    path("manage/announcements", views.TenantAnnouncementListApi.as_view(), name="api-tenant-announcements"),
    path("manage/announcements/<uuid:id>", views.TenantAnnouncementApi.as_view(), name="api-tenant-announcement"),
    path("manage/announcements/<uuid:id>/reads", views.TenantAnnouncementReadsApi.as_view(),
         name="api-tenant-announcement-reads"),
    path("manage/announcements/<uuid:id>/attachments", views.TenantAnnouncementAttachmentsApi.as_view(),
         name="api-tenant-announcement-attachments"),
]
