"""Payments API: learners place orders and read their own; tenant admins list orders, refund,
manage coupons. Amounts are integer minor units plus the currency, with a formatted label."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status
from rest_framework.response import Response

from tenants.api import InTenantSchema, TenantApi, TenantGenericApi, error_response, tenant_admin_check

from .. import money
from . import selectors, services
from .models import Coupon, Order
from .views import receipt_response

TAGS = ["payments"]
ADMIN_TAGS = ["payments administration"]


class IsTenantAdmin(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and tenant_admin_check(request.user))


ADMIN_ONLY = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]


class OrderOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    total_label = serializers.SerializerMethodField()
    receipt_url = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "number", "status", "product_kind", "product_ref", "description", "currency", "subtotal_amount",
                  "discount_amount", "total_amount", "refunded_amount", "total_label", "coupon_code", "failure_message",
                  "created_at", "paid_at", "fulfilled_at", "receipt_url"]

    def get_total_label(self, order) -> str:
        return money.format_minor(order.total_amount, order.currency)

    def get_receipt_url(self, order) -> str | None:
        return f"/api/v1/billing/orders/{order.public_id}/receipt" if order.is_paid else None


class AdminOrderOutput(OrderOutput):
    class Meta(OrderOutput.Meta):
        fields = OrderOutput.Meta.fields + ["buyer_email", "buyer_name", "application_fee_amount", "processor_fee_amount",
                                            "fulfilment_error"]


class OrderCreateInput(serializers.Serializer):
    product_kind = serializers.CharField(max_length=16)
    product_ref = serializers.CharField(max_length=100)
    coupon = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    success_url = serializers.URLField(max_length=1000, required=False,
                                       help_text="Where Stripe sends the buyer after paying (default: the order page).")
    cancel_url = serializers.URLField(max_length=1000, required=False)


class OrderCreateOutput(serializers.Serializer):
    order = OrderOutput()
    checkout_url = serializers.CharField(help_text="Send the buyer here (Stripe Checkout), or the product when free.")


def _refusal(exc: ValidationError) -> Response:
    code = getattr(exc, "code", None) or "invalid"
    if hasattr(exc, "error_dict"):
        messages = [m for errors in exc.message_dict.values() for m in errors]
    else:
        messages = exc.messages
    http = status.HTTP_409_CONFLICT if code in ("already_enrolled",) else status.HTTP_400_BAD_REQUEST
    return error_response(" ".join(messages), code=code, http_status=http)


class OrderListApi(mixins.ListModelMixin, TenantGenericApi):
    serializer_class = OrderOutput

    def safely_get_queryset(self, request):
        return selectors.orders_of_buyer(user=request.user)

    @extend_schema(tags=TAGS, summary="My orders, newest first")
    def get(self, request):
        return self.list(request)

    @extend_schema(tags=TAGS, summary="Buy a course: place an order and get the Stripe Checkout URL",
                   request=OrderCreateInput, responses={201: OrderCreateOutput, 400: None, 409: None},
                   description="Access is granted only when Stripe confirms the payment (webhook); poll the order.")
    def post(self, request):
        data = self.validated_input(request)
        order_url = request.build_absolute_uri("/billing/orders/{ORDER}/")
        try:
            order, url = services.order_start(
                buyer=request.user, kind=data["product_kind"], ref=data["product_ref"], coupon_code=data["coupon"],
                success_url=data.get("success_url") or order_url + "?paid=1",
                cancel_url=data.get("cancel_url") or order_url + "?canceled=1")
        except ValidationError as exc:
            return _refusal(exc)
        return Response({"order": OrderOutput(order).data, "checkout_url": url}, status=status.HTTP_201_CREATED)

    def validated_input(self, request) -> dict:
        serializer = OrderCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class OrderDetailApi(TenantGenericApi):
    serializer_class = OrderOutput
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return selectors.orders_of_buyer(user=request.user)

    @extend_schema(tags=TAGS, summary="One of my orders (poll it after Checkout)")
    def get(self, request, id):
        return Response(OrderOutput(self.get_object()).data)


class OrderReceiptApi(TenantGenericApi):
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        if tenant_admin_check(request.user):
            return Order.objects.filter(status__in=Order.PAID_STATES)
        return selectors.orders_of_buyer(user=request.user).filter(status__in=Order.PAID_STATES)

    @extend_schema(tags=TAGS, summary="The receipt of a paid order (PDF)", responses={(200, "application/pdf"): bytes})
    def get(self, request, id):
        return receipt_response(self.get_object())


class AdminOrderListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = AdminOrderOutput

    def safely_get_queryset(self, request):
        status_ = request.query_params.get("status", "")
        if status_ and status_ not in Order.Status.values:
            status_ = "__none__"
        return selectors.order_list(status=status_, q=request.query_params.get("q", "")[:100])

    @extend_schema(tags=ADMIN_TAGS, summary="Every order (filters: status, q)")
    def get(self, request):
        return self.list(request)


class RefundInput(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS, help_text="Minor units of the order's currency.")
    revoke_access = serializers.BooleanField(default=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class AdminOrderRefundApi(TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = AdminOrderOutput
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return Order.objects.all()

    @extend_schema(tags=ADMIN_TAGS, summary="Refund part or all of a paid order", request=RefundInput,
                   responses={201: AdminOrderOutput, 400: None})
    def post(self, request, id):
        order = self.get_object()
        serializer = RefundInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.refund_create(order=order, amount=data["amount"], revoke_access=data["revoke_access"],
                                   reason=data["reason"], actor=request.user)
        except ValidationError as exc:
            return _refusal(exc)
        order.refresh_from_db()
        return Response(AdminOrderOutput(order).data, status=status.HTTP_201_CREATED)


class CouponSerializer(serializers.ModelSerializer):
    class Meta:
        model = Coupon
        fields = ["code", "kind", "percent_off", "amount_off", "currency", "product_kind", "product_ref", "expires_at",
                  "max_redemptions", "times_redeemed", "is_active", "created_at"]
        read_only_fields = ["times_redeemed", "is_active", "created_at"]
        extra_kwargs = {"code": {"validators": []}}


class AdminCouponListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = CouponSerializer

    def safely_get_queryset(self, request):
        return selectors.coupon_list()

    @extend_schema(tags=ADMIN_TAGS, summary="Coupons")
    def get(self, request):
        return self.list(request)

    @extend_schema(tags=ADMIN_TAGS, summary="Create a coupon (percent_off, or amount_off in minor units + currency)",
                   request=CouponSerializer, responses={201: CouponSerializer, 400: None})
    def post(self, request):
        serializer = CouponSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        coupon = services.coupon_create(actor=request.user, **{k: data.get(k) for k in (
            "code", "kind", "percent_off", "amount_off", "expires_at", "max_redemptions")},
            currency=data.get("currency") or "", product_kind=data.get("product_kind") or "",
            product_ref=data.get("product_ref") or "")
        return Response(CouponSerializer(coupon).data, status=status.HTTP_201_CREATED)


class AdminCouponDetailApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=ADMIN_TAGS, summary="Deactivate a coupon (kept for the orders that used it)", responses={204: None})
    def delete(self, request, code):
        coupon = Coupon.objects.filter(code=code.upper()[:40]).first() if "\x00" not in code else None
        if coupon is None:
            raise Http404
        services.coupon_deactivate(coupon=coupon, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
