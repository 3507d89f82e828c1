"""/api/v1/ on every institution's domain."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny



class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its script served as a file (no inline script: CSP), GET only."""

    http_method_names = ["get", "head"]


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema", permission_classes=[AllowAny]), name="api-docs"),
    path("", include("tenant_apps.accounts.rest_api.urls")),
    path("", include("tenant_apps.audit.rest_api.urls")),
    path("", include("tenant_apps.privacy.rest_api.urls")),
    path("", include("tenant_apps.calendar.rest_api.urls")),
    path("", include("tenant_apps.notifications.rest_api.urls")),
    path("", include("tenant_apps.messaging.rest_api.urls")),
    path("", include("lms.courses.rest_api.urls")),
    path("", include("lms.quizzes.rest_api.urls")),
    path("", include("lms.assignments.rest_api.urls")),
    path("", include("lms.tracks.rest_api.urls")),
    path("", include("lms.certificates.rest_api.urls")),
    path("", include("lms.announcements.rest_api.urls")),
    path("", include("lms.live_sessions.rest_api.urls")),
    path("", include("lms.cohorts.rest_api.urls")),
    path("", include("lms.discussions.rest_api.urls")),
    path("", include("billing.commerce.rest_api_urls")),
    path("", include("crowdfunding.rest_api.urls")),
]
