from django.urls import path

from . import views

urlpatterns = [
    path("calendar", views.CalendarApi.as_view(), name="api-calendar"),
    path("calendar/feed-token", views.FeedTokenApi.as_view(), name="api-calendar-feed-token"),
]
