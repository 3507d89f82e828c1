from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_page, name="page"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("feed-token/", views.feed_token_regenerate, name="feed-token"),
    path("feed-token/revoke/", views.feed_token_revoke, name="feed-token-revoke"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
