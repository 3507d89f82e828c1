from django.urls import path

from . import rest_api

urlpatterns = [
    path("billing/orders", rest_api.OrderListApi.as_view(), name="api-orders"),
    path("billing/orders/<str:id>", rest_api.OrderDetailApi.as_view(), name="api-order"),
    path("billing/orders/<str:id>/receipt", rest_api.OrderReceiptApi.as_view(), name="api-order-receipt"),
    path("manage/billing/orders", rest_api.AdminOrderListApi.as_view(), name="api-manage-orders"),
    path("manage/billing/orders/<str:id>/refunds", rest_api.AdminOrderRefundApi.as_view(), name="api-manage-order-refunds"),
    path("manage/billing/coupons", rest_api.AdminCouponListApi.as_view(), name="api-manage-coupons"),
    path("manage/billing/coupons/<str:code>", rest_api.AdminCouponDetailApi.as_view(), name="api-manage-coupon"),
]
