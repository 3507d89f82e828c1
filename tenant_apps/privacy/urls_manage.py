"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path

from . import views_export

app_name = "privacy_manage"

urlpatterns = [
    path("users/<uuid:public_id>/exports", views_export.member_exports, name="member-exports"),
    path("exports/<uuid:export_id>/download", views_export.member_export_download, name="export-download"),
]
