from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge", views.badge, name="badge"),
    path("read-all", views.mark_all_read, name="read-all"),
    path("<uuid:public_id>/read", views.mark_read, name="read"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
