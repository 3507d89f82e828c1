"""JWT authentication bound to one tenant: a token minted on one institution is void on every other."""
from __future__ import annotations

import uuid

from django.contrib.auth.models import User
from django.db import connection, transaction
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

TENANT_CLAIM = "tenant"
FAMILY_CLAIM = "fam"
# A short digest of the user's session auth hash (an HMAC of the password hash): a password
# change voids every access and refresh token minted before it, as it ends other sessions.
CREDENTIALS_CLAIM = "cred"


def credentials_stamp(user) -> str:
    # Plus the user's credentials epoch (kept on the institution's user profile, read by name:
    # the tenancy core imports no product app), bumped by "sign out everywhere".
    epoch = getattr(getattr(user, "profile", None), "credentials_epoch", 0)
    return f"{user.get_session_auth_hash()[:16]}.{epoch}"


def _active_user(user_id):
    return (User.objects.select_related("profile")
            .filter(**{api_settings.USER_ID_FIELD: user_id}, is_active=True).first())


def current_tenant_claim() -> str:
    tenant = getattr(connection, "tenant", None)
    # uuid, not schema name: a deleted tenant's tokens stay void if its subdomain is reused.
    return f"{connection.schema_name}:{getattr(tenant, 'uuid', '')}"


def tokens_for(user, *, family: str | None = None) -> dict[str, str]:
    """A new access/refresh pair. `family` ties every refresh token descended from one sign-in
    (rotation carries it on), so reuse of a rotated token can revoke the whole line."""
    refresh = RefreshToken.for_user(user)  # also records it as an outstanding token
    refresh[TENANT_CLAIM] = current_tenant_claim()
    refresh[FAMILY_CLAIM] = family or uuid.uuid4().hex
    refresh[CREDENTIALS_CLAIM] = credentials_stamp(user)
    # The outstanding row keeps the final token text, so a family can be found again later.
    OutstandingToken.objects.filter(jti=refresh[api_settings.JTI_CLAIM]).update(token=str(refresh))
    access = refresh.access_token  # copies the tenant and family claims from the refresh token
    return {"access": str(access), "refresh": str(refresh)}


def refresh_family_revoke(*, user_id, family: str) -> int:
    """Blacklist every outstanding refresh token of `user_id` in `family`; returns how many."""
    revoked = 0
    outstanding = OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True)
    for row in outstanding:
        try:
            payload = token_backend.decode(row.token, verify=False)
        except Exception:  # noqa: BLE001 - a malformed stored row is simply not of this family
            continue
        if payload.get(FAMILY_CLAIM) == family:
            BlacklistedToken.objects.get_or_create(token=row)
            revoked += 1
    return revoked


def refresh_rotate(raw: str) -> dict[str, str]:
    """Exchange a refresh token for a new pair and blacklist it. A token that was already
    rotated (blacklisted) being presented again means it leaked: the whole family is revoked.
    Raises TokenBackendError/InvalidToken when the token is not usable here."""
    payload = token_backend.decode(raw, verify=True)  # signature and expiry
    if payload.get("token_type") != "refresh":
        raise InvalidToken({"detail": "Token has wrong type.", "code": "token_not_valid"})
    check_tenant_claim(payload)
    jti = payload[api_settings.JTI_CLAIM]
    user_id = payload.get(api_settings.USER_ID_CLAIM)
    family = payload.get(FAMILY_CLAIM)
    with transaction.atomic():
        row = OutstandingToken.objects.select_for_update().filter(jti=jti).first()
        reused = row is None or BlacklistedToken.objects.filter(token=row).exists()
        if reused:
            if family:
                refresh_family_revoke(user_id=user_id, family=family)
            user = None
        else:
            user = _active_user(user_id)
            if user is not None and payload.get(CREDENTIALS_CLAIM) != credentials_stamp(user):
                BlacklistedToken.objects.create(token=row)
                user = None
            if user is not None:
                BlacklistedToken.objects.create(token=row)
                pair = tokens_for(user, family=family)
    if reused:
        raise InvalidToken({"detail": "Refresh token was already used or revoked.", "code": "token_not_valid"})
    if user is None:
        raise InvalidToken({"detail": "The account is not active.", "code": "token_not_valid"})
    return pair


def check_tenant_claim(token) -> None:
    if token.get(TENANT_CLAIM) != current_tenant_claim():
        raise InvalidToken({"detail": "Token is not valid for this institution.", "code": "token_not_valid"})


class TenantJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        check_tenant_claim(token)
        return token

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken({"detail": "Token names no user.", "code": "token_not_valid"}) from exc
        user = _active_user(user_id)  # one query, profile included (for the credentials stamp)
        if user is None:
            raise AuthenticationFailed("User not found or inactive.", code="user_inactive")
        if validated_token.get(CREDENTIALS_CLAIM) != credentials_stamp(user):
            raise InvalidToken({"detail": "Token was issued before the password changed or a sign-out everywhere.",
                                "code": "token_not_valid"})
        return user

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
