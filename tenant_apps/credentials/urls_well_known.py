"""/.well-known/ documents of an institution's site (did:web resolution, JWKS)."""
from django.urls import path

from . import views

urlpatterns = [
    path("did.json", views.did_json, name="credentials-did"),
    path("jwks.json", views.jwks_json, name="credentials-jwks"),
]
