"""Learner pages (catalog, course page, player, dashboard) and course staff's enrollment page; mounted at the site root."""
from django.urls import path

from . import views_learn as views

app_name = "learn"

urlpatterns = [
    path("courses/", views.catalog, name="catalog"),
    path("courses/<slug:slug>/", views.course_detail, name="course"),
    path("courses/<slug:slug>/enroll", views.enroll, name="enroll"),
    path("courses/<slug:slug>/drop", views.drop, name="drop"),
    path("courses/<slug:slug>/enrollments/", views.course_enrollments, name="enrollments"),
    path("courses/<slug:slug>/enrollments/<uuid:enrollment_uuid>/move", views.enrollment_move, name="enrollment-move"),
    path("learn/<slug:slug>/", views.resume, name="resume"),
    path("learn/<slug:slug>/upgrade", views.upgrade, name="upgrade"),
    path("learn/<slug:slug>/items/<uuid:item_uuid>/", views.item, name="item"),
    path("learn/<slug:slug>/items/<uuid:item_uuid>/complete", views.item_complete, name="item-complete"),
    path("learn/<slug:slug>/items/<uuid:item_uuid>/file", views.item_file, name="item-file"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
