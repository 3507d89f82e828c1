from django.urls import path

from . import views

app_name = "tracks"

urlpatterns = [
    path("tracks/", views.track_list, name="list"),
    path("tracks/<slug:slug>/", views.track_detail, name="detail"),
    path("tracks/<slug:slug>/join/", views.track_join, name="join"),
    path("tracks/<slug:slug>/items/<uuid:item_uuid>/start/", views.track_start_course, name="start-course"),
    path("tracks/<slug:slug>/projects/<uuid:project_uuid>/", views.project_detail, name="project"),
    path("tracks/<slug:slug>/projects/<uuid:project_uuid>/steps/<uuid:step_uuid>/submit/", views.step_submit,
         name="step-submit"),
    path("track-submissions/<uuid:submission_uuid>/file", views.submission_file, name="submission-file"),
    path("studio/tracks/", views.studio_list, name="studio-list"),
    path("studio/tracks/review/", views.studio_review, name="studio-review"),
    path("studio/tracks/review/<uuid:submission_uuid>/", views.studio_review_submission, name="studio-review-submission"),
    path("studio/tracks/<slug:slug>/", views.studio_edit, name="studio-edit"),
    path("studio/tracks/<slug:slug>/staff/", views.studio_staff, name="studio-staff"),
    path("studio/tracks/<slug:slug>/staff/<uuid:public_id>/remove", views.studio_staff_remove, name="studio-staff-remove"),
    path("studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/", views.studio_project, name="studio-project"),
]
