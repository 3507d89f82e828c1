"""JWT authentication bound to one tenant: a token minted on one institution is void on every other."""
from __future__ import annotations

from django.db import connection
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import RefreshToken

TENANT_CLAIM = "tenant"


def current_tenant_claim() -> str:
    tenant = getattr(connection, "tenant", None)
    # uuid, not schema name: a deleted tenant's tokens stay void if its subdomain is reused.
    return f"{connection.schema_name}:{getattr(tenant, 'uuid', '')}"


def tokens_for(user) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = current_tenant_claim()
    access = refresh.access_token  # copies the tenant claim from the refresh token
    return {"access": str(access), "refresh": str(refresh)}


def check_tenant_claim(token) -> None:
    if token.get(TENANT_CLAIM) != current_tenant_claim():
        raise InvalidToken({"detail": "Token is not valid for this institution.", "code": "token_not_valid"})


class TenantJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_tenant_claim(token)
        return token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
