"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path  # noqa: F401

app_name = "privacy_manage"

urlpatterns: list = []
