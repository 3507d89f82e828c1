"""Tenant admin payment pages: /manage/payments/..."""
from django.urls import path

from . import views_manage as views

app_name = "commerce_manage"

urlpatterns = [
    path("orders/", views.order_list, name="orders"),
    path("orders/<uuid:public_id>/", views.order_detail, name="order"),
    path("orders/<uuid:public_id>/refund", views.order_refund, name="order-refund"),
    path("coupons/", views.coupon_list, name="coupons"),
    path("coupons/<str:code>/deactivate", views.coupon_deactivate, name="coupon-deactivate"),
    path("receipt-details/", views.receipt_details, name="receipt-details"),
]
