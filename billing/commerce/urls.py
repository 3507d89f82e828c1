"""Learner payment pages on an institution's site: /billing/..."""
from django.urls import path

from . import views

app_name = "commerce"

urlpatterns = [
    path("buy/<slug:kind>/<str:ref>/", views.buy, name="buy"),
    path("orders/<uuid:public_id>/", views.order_page, name="order"),
    path("orders/<uuid:public_id>/receipt.pdf", views.receipt, name="receipt"),
    path("payments/", views.payments, name="payments"),
]
