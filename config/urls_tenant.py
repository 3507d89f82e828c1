"""URLs of an institution's site (any tenant domain)."""
from django.urls import include, path

from tenant_apps.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("tenant_apps.accounts.urls")),
    path("manage/billing/", include("billing.urls_manage")),
    path("billing/", include("billing.commerce.urls")),
    path("manage/payments/", include("billing.commerce.urls_manage")),
    path("manage/audit/", include("tenant_apps.audit.urls")),
    path("manage/privacy/", include("tenant_apps.privacy.urls_manage")),
    path("privacy/", include("tenant_apps.privacy.urls")),
    path("manage/campaigns/", include("crowdfunding.urls_manage")),
    path("campaigns/", include("crowdfunding.urls")),
    path("manage/notifications/", include("tenant_apps.notifications.urls_manage")),
    path("manage/messages/", include("tenant_apps.messaging.urls_manage")),
    path("notifications/", include("tenant_apps.notifications.urls")),
    path("manage/announcements/", include("lms.announcements.urls_manage")),
    path("manage/", include("tenant_apps.accounts.urls_manage")),
    path("site/logo", account_views.site_logo, name="site-logo"),
    path("studio/", include("lms.courses.urls_studio")),
    path("", include("lms.courses.urls_learn")),
    path("", include("lms.quizzes.urls")),
    path("", include("lms.assignments.urls")),
    path("", include("lms.tracks.urls")),
    path("", include("lms.certificates.urls")),
    path("", include("lms.announcements.urls")),
    path("", include("lms.live_sessions.urls")),
    path("", include("lms.cohorts.urls")),
    path("", include("lms.discussions.urls")),
    path("api/v1/", include("config.urls_api_tenant")),
    # the institution as a credential issuer: did:web document, JWKS, OB3 profile, status lists
    path(".well-known/", include("tenant_apps.credentials.urls_well_known")),
    path("credentials/", include("tenant_apps.credentials.urls")),
    path("calendar/", include("tenant_apps.calendar.urls")),
    path("messages/", include("tenant_apps.messaging.urls")),
]

handler404 = "tenants.errors.page_not_found"
