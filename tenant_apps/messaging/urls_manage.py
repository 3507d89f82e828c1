from django.urls import path

from . import views

app_name = "messaging_manage"

urlpatterns = [
    path("reports/", views.moderation, name="reports"),
    path("reports/<uuid:report_id>/resolve", views.moderation_resolve, name="resolve"),
]
