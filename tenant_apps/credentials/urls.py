from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("issuer.json", views.issuer_json, name="issuer"),
    path("status/<uuid:public_id>", views.status_list, name="status-list"),
]
