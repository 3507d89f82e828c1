from django.urls import path

from . import views

urlpatterns = [
    path("tracks", views.TrackListApi.as_view(), name="api-tracks"),
    path("tracks/<slug:slug>", views.TrackDetailApi.as_view(), name="api-track"),
    path("tracks/<slug:slug>/join", views.TrackJoinApi.as_view(), name="api-track-join"),
    path("tracks/<slug:slug>/projects/<uuid:project_uuid>/steps/<uuid:step_uuid>/submissions",
         views.StepSubmitApi.as_view(), name="api-track-step-submit"),
    path("studio/tracks/<slug:slug>/staff", views.TrackStaffApi.as_view(), name="api-track-staff"),
    path("studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/steps", views.StudioStepListApi.as_view(),
         name="api-track-studio-steps"),
    path("studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/steps/<uuid:step_uuid>", views.StudioStepApi.as_view(),
         name="api-track-studio-step"),
    path("studio/tracks/<slug:slug>/staff/<uuid:public_id>", views.TrackStaffMemberApi.as_view(),
         name="api-track-staff-member"),
]
