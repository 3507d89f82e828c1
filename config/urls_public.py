"""URLs of the public domain: marketing, institution sign-up, operator console."""
from django.urls import include, path

from billing import webhooks
from shared_apps.signup import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("start/", views.institution_signup, name="institution-signup"),
    path("start/verify/<str:token>/", views.institution_verify, name="institution-verify"),
    path("start/resend/", views.institution_resend, name="institution-resend"),
    path("billing/webhooks/stripe/", webhooks.stripe_webhook, name="stripe-webhook"),
    path("billing/webhooks/stripe-connect/", webhooks.stripe_connect_webhook, name="stripe-connect-webhook"),
    path("console/audit/", include("shared_apps.audit.urls")),
    path("console/", include("shared_apps.console.urls")),
]

handler404 = "tenants.errors.page_not_found"
