"""Account API: tokens bound to this institution, and who am I."""
from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.exceptions import TokenBackendError

from tenants.api import refresh_rotate, tokens_for
from tenants.api import TenantApi
from tenants.api import error_response
from tenants.api import ScopedThrottle

from tenants.api import lockout

from .. import services
from ..roles import role_of


class TokenPairOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenObtainApi(TenantApi):
    """Exchange email + password for an access/refresh pair valid on this institution only."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth-token"

    @extend_schema_serializer(component_name="TokenObtainInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=150)  # User.username holds the email: varchar(150)
        password = serializers.CharField(trim_whitespace=False, max_length=4096)  # no column: bounds the hashing work

    @extend_schema(request=InputSerializer, responses={200: TokenPairOutput})
    def post(self, request):
        data = self.validated(request)
        email = data["email"].strip().lower()
        if lockout.is_locked_out(email, request):
            return error_response(lockout.LOCKED_OUT_MESSAGE, code="locked_out", http_status=429)
        user = authenticate(request, username=email, password=data["password"])
        if user is None or not user.is_active:
            lockout.record_failure(email, request)
            return error_response("Email and password do not match an active account.", code="invalid_credentials", http_status=401)
        lockout.reset(email, request)
        return Response(tokens_for(user))


class TokenRefreshApi(TenantApi):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedThrottle]
    throttle_scope = "auth-refresh"

    @extend_schema_serializer(component_name="TokenRefreshInput")
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField(max_length=4096)  # a signed JWT, a few hundred characters

    @extend_schema(request=InputSerializer, responses={200: TokenPairOutput})
    def post(self, request):
        data = self.validated(request)
        try:
            pair = refresh_rotate(data["refresh"])
        except (TokenError, InvalidToken, TokenBackendError):
            return error_response("Refresh token is invalid, expired or already used.", code="token_not_valid", http_status=401)
        return Response(pair)


class MeOutput(serializers.Serializer):
    id = serializers.UUIDField(source="profile.public_id")
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.SerializerMethodField()
    email_verified = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()

    def get_role(self, user) -> str | None:
        return role_of(user)

    def get_email_verified(self, user) -> bool:
        return user.profile.email_verified_at is not None

    def get_institution(self, user) -> dict:
        tenant = self.context["request"].tenant
        return {"id": str(tenant.uuid), "name": tenant.name, "subdomain": tenant.slug}


class MeApi(TenantApi):
    @extend_schema(responses={200: MeOutput})
    def get(self, request):
        return Response(MeOutput(request.user, context={"request": request}).data)




class SignOutEverywhereApi(TenantApi):
    """End every browser session and every access/refresh token of the signed-in user."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.user_sign_out_everywhere(user=request.user)
        return Response(status=204)
