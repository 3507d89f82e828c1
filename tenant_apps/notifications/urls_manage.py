from django.urls import path

from . import views

app_name = "notifications_manage"

urlpatterns = [
    path("preview/", views.preview, name="preview"),
]
