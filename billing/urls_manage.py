"""The institution's Billing page (tenant administrators)."""
from django.urls import path

from . import views

app_name = "billing_manage"

urlpatterns = [
    path("", views.billing_page, name="billing"),
    path("plan", views.billing_plan_choose, name="plan-choose"),
    path("portal", views.billing_portal, name="portal"),
    path("connect", views.billing_connect, name="connect"),
    path("connect/refresh", views.billing_connect_refresh, name="connect-refresh"),
]
