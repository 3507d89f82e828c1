from django.urls import path

from . import manage, schema, views  # noqa: F401 - schema registers the OpenAPI auth extension

urlpatterns = [
    path("auth/token", views.TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/refresh", views.TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("me", views.MeApi.as_view(), name="api-me"),
    path("me/sign-out-everywhere", views.SignOutEverywhereApi.as_view(), name="api-me-sign-out-everywhere"),
    # Tenant administrators. Ids are matched as strings so a malformed one answers a JSON 404.
    path("users", manage.UserListApi.as_view(), name="api-users"),
    path("users/imports", manage.UserImportCreateApi.as_view(), name="api-user-imports"),
    path("users/imports/<str:id>", manage.UserImportDetailApi.as_view(), name="api-user-import"),
    path("users/<str:id>", manage.UserDetailApi.as_view(), name="api-user"),
    path("users/<str:id>/reset-password", manage.UserPasswordResetApi.as_view(), name="api-user-reset-password"),
    path("invitations", manage.InvitationListApi.as_view(), name="api-invitations"),
    path("invitations/<str:id>", manage.InvitationDetailApi.as_view(), name="api-invitation"),
    path("settings", manage.SiteSettingsApi.as_view(), name="api-site-settings"),
]
