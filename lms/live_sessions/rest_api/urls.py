from django.urls import path

from . import views

urlpatterns = [
    path("courses/<slug:slug>/live-sessions", views.LiveSessionListApi.as_view(), name="api-live-sessions"),
    path("courses/<slug:slug>/live-sessions/<uuid:session_uuid>", views.LiveSessionApi.as_view(),
         name="api-live-session"),
]
