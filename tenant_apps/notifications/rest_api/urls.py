from django.urls import path

from . import views

urlpatterns = [
    path("me/notifications", views.NotificationListApi.as_view(), name="api-my-notifications"),
    path("me/notifications/unread-count", views.UnreadCountApi.as_view(), name="api-my-notifications-unread"),
    path("me/notifications/read-all", views.NotificationReadAllApi.as_view(), name="api-my-notifications-read-all"),
    path("me/notifications/<uuid:id>/read", views.NotificationReadApi.as_view(), name="api-my-notification-read"),
    path("me/notification-preferences", views.NotificationPreferencesApi.as_view(), name="api-my-notification-preferences"),
]
