"""People's privacy pages: /privacy/..."""
from django.urls import path

from . import views_export

app_name = "privacy"

urlpatterns = [
    path("", views_export.privacy_home, name="home"),
    path("exports/", views_export.export_create, name="export-create"),
    path("exports/<uuid:export_id>/download", views_export.export_download, name="export-download"),
]
