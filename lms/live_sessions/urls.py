from django.urls import path

from . import views

app_name = "live_sessions"

STUDIO = "studio/courses/<slug:slug>/live-sessions/"

urlpatterns = [
    path("courses/<slug:slug>/live-sessions/", views.course_sessions, name="course"),
    path(STUDIO, views.studio_list, name="studio-list"),
    path(STUDIO + "<uuid:session_uuid>/", views.studio_edit, name="studio-edit"),
    path(STUDIO + "<uuid:session_uuid>/delete", views.studio_delete, name="studio-delete"),
]
