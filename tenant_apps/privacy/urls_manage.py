"""Staff privacy pages: /manage/privacy/..."""
from django.urls import path  # noqa: F401

app_name = "privacy_manage"

from . import views_erasure

urlpatterns: list = [
    path("settings", views_erasure.privacy_settings, name="settings"),
    path("erasures", views_erasure.erasure_list, name="erasures"),
    path("erasures/<uuid:public_id>/retry", views_erasure.erasure_retry, name="erasure-retry"),
    path("erasures/<uuid:public_id>/cancel", views_erasure.erasure_cancel_by_admin, name="erasure-cancel"),
    path("legal-holds", views_erasure.legal_holds, name="legal-holds"),
]
