"""Writes of the operator console itself: platform operator accounts and their roles (public schema)."""
from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from .access import ROLE_GROUPS, ROLES, SUPPORT, operator_role


@transaction.atomic
def operator_upsert(*, email: str, password: str, role: str | None = None) -> tuple[User, bool]:
    """Create a platform operator, or reset an existing one's password; returns (user, created).

    `role` is "support" or "admin"; None keeps an existing operator's role (a password reset does
    not demote) and makes a new one support. Giving "support" to a superuser takes the superuser
    flag away: demoting is deliberate.
    """
    if role is not None and role not in ROLES:
        raise ValidationError(f"Unknown operator role “{role}”: use {' or '.join(ROLES)}.")
    connection.set_schema_to_public()
    email = (email or "").strip().lower()
    validate_email(email)
    user = User.objects.filter(username=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email)
    password_validation.validate_password(password, user)
    if role is None:
        role = (operator_role(user) if not created else None) or SUPPORT
    user.set_password(password)
    user.is_staff = True
    user.is_active = True
    if role == SUPPORT:
        user.is_superuser = False
    user.save()
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS.values()}
    user.groups.remove(*groups.values())
    user.groups.add(groups[ROLE_GROUPS[role]])
    user.__dict__.pop("_operator_role", None)
    return user, created

