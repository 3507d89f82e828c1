"""Writes for an institution's accounts: members, roles, invitations, verification, settings."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tenants.mail import mail_send

from .models import Invitation, Profile, SiteSettings
from .roles import ROLE_VALUES, Role, role_of

EMAIL_VERIFY_SALT = "accounts.email-verify"


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _site_name() -> str:
    site = SiteSettings.objects.first()
    return site.display_name if site else "EduCrowd"


def _check_role(role: str) -> None:
    if role not in ROLE_VALUES:
        raise ValidationError({"role": f"Unknown role “{role}”. Choose one of: {', '.join(sorted(ROLE_VALUES))}."})


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.LEARNER,
    email_verified: bool = False,
) -> User:
    email = _normalize_email(email)
    _check_role(role)
    if User.objects.filter(username=email).exists():
        raise ValidationError({"email": "A member with this email address already exists."})
    user = User(username=email, email=email, first_name=first_name.strip()[:150], last_name=last_name.strip()[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, email_verified_at=timezone.now() if email_verified else None)
    user.groups.add(Group.objects.get(name=role))
    return user


def _admins_other_than(user: User):
    return User.objects.filter(groups__name=Role.TENANT_ADMIN, is_active=True).exclude(pk=user.pk)


@transaction.atomic
def user_set_role(*, user: User, role: str, actor: User | None = None) -> User:
    _check_role(role)
    if role_of(user) == Role.TENANT_ADMIN and role != Role.TENANT_ADMIN and not _admins_other_than(user).exists():
        raise ValidationError({"role": "An institution needs at least one active administrator."})
    user.groups.remove(*Group.objects.filter(name__in=ROLE_VALUES))
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> User:
    if not active:
        if actor is not None and actor.pk == user.pk:
            raise ValidationError({"is_active": "You cannot deactivate your own account."})
        if role_of(user) == Role.TENANT_ADMIN and not _admins_other_than(user).exists():
            raise ValidationError({"is_active": "An institution needs at least one active administrator."})
    user.is_active = active
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str) -> User:
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
    return user


def password_reset_send(*, user: User, base_url: str, purpose: str = "reset") -> None:
    """Email a one-time link to choose a password ('reset' or, for imported members, 'welcome')."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = f"{base_url.rstrip('/')}/accounts/reset/{uid}/{token}/"
    template = "password_reset" if purpose == "reset" else "welcome_set_password"
    mail_send(template=template, to=[user.email], context={"user": user, "link": link, "site_name": _site_name()})


def _verify_signer() -> signing.TimestampSigner:
    # The schema is part of the salt: a link made on one institution is void on every other.
    return signing.TimestampSigner(salt=f"{EMAIL_VERIFY_SALT}:{connection.schema_name}")


def email_verification_send(*, user: User, base_url: str) -> None:
    token = _verify_signer().sign(str(user.profile.public_id))
    link = f"{base_url.rstrip('/')}/accounts/verify/{token}/"
    mail_send(template="verify_email", to=[user.email], context={"user": user, "link": link, "site_name": _site_name()})


@transaction.atomic
def email_verify(*, token: str) -> User:
    try:
        public_id = _verify_signer().unsign(token, max_age=timedelta(days=3))
    except signing.BadSignature as exc:
        raise ValidationError("This verification link is invalid or has expired.") from exc
    profile = Profile.objects.select_related("user").filter(public_id=public_id).first()
    if profile is None:
        raise ValidationError("This verification link is invalid or has expired.")
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return profile.user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, email: str, role: str, invited_by: User | None, base_url: str) -> Invitation:
    email = _normalize_email(email)
    _check_role(role)
    if User.objects.filter(username=email).exists():
        raise ValidationError({"email": "This person is already a member."})
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, role=role, token_hash=_hash_token(token), invited_by=invited_by,
        expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
    )
    link = f"{base_url.rstrip('/')}/accounts/invitation/{token}/"
    mail_send(
        template="invitation", to=[email],
        context={"invitation": invitation, "link": link, "site_name": _site_name(), "inviter": invited_by},
    )
    return invitation


def invitation_get_pending(*, token: str) -> Invitation:
    invitation = Invitation.objects.filter(token_hash=_hash_token(token or "")).first()
    if invitation is None or invitation.revoked_at or invitation.accepted_at or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation link is invalid, was already used, or has expired.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str, last_name: str) -> User:
    invitation = invitation_get_pending(token=token)
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    user = user_create(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name,
        role=invitation.role, email_verified=True,  # the link arrived at this address
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def site_initialize(*, display_name: str) -> SiteSettings:
    site, _ = SiteSettings.objects.get_or_create(pk=1, defaults={"display_name": display_name})
    return site


@transaction.atomic
def site_settings_update(*, site: SiteSettings, **fields) -> SiteSettings:
    from .selectors import site_settings_cache_clear

    allowed = {"display_name", "logo", "primary_color", "allow_self_registration"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown settings: {unknown}")
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    transaction.on_commit(site_settings_cache_clear)
    return site
