"""Operator console, public domain only: /console/..."""
from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.tenant_list, name="tenants"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("tenants/new/", views.tenant_new, name="tenant-new"),
    path("tenants/<uuid:uuid>/", views.tenant_detail, name="tenant"),
    path("tenants/<uuid:uuid>/domains/add/", views.tenant_domain_add, name="tenant-domain-add"),
    path("tenants/<uuid:uuid>/domains/remove/", views.tenant_domain_remove, name="tenant-domain-remove"),
    path("tenants/<uuid:uuid>/suspend/", views.tenant_suspend_view, name="tenant-suspend"),
    path("tenants/<uuid:uuid>/reactivate/", views.tenant_reactivate_view, name="tenant-reactivate"),
    path("tenants/<uuid:uuid>/plan/", views.tenant_plan_view, name="tenant-plan"),
    path("tenants/<uuid:uuid>/delete/", views.tenant_delete_view, name="tenant-delete"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<slug:code>/edit/", views.plan_edit, name="plan-edit"),
    path("plans/<slug:code>/delete/", views.plan_delete_view, name="plan-delete"),
    path("billing/", views.billing_overview_view, name="billing"),
    path("billing/subscriptions/", views.subscription_list, name="billing-subscriptions"),
    path("billing/events/", views.stripe_event_list, name="billing-events"),
    path("billing/events/<int:pk>/reprocess/", views.stripe_event_reprocess, name="billing-event-reprocess"),
    path("billing/events/reprocess-failed/", views.stripe_events_reprocess_failed, name="billing-events-reprocess-failed"),
]
