"""People's privacy pages: /privacy/..."""
from django.urls import path  # noqa: F401

app_name = "privacy"

from . import views_erasure

urlpatterns: list = [
    path("erasure/", views_erasure.erasure_request, name="erasure"),
    path("erasure/cancel/<str:token>/", views_erasure.erasure_cancel, name="erasure-cancel"),
]
