"""Writes of the operator console itself: platform operator accounts (public schema)."""
from __future__ import annotations

from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction


@transaction.atomic
def operator_upsert(*, email: str, password: str, superuser: bool = False) -> tuple[User, bool]:
    """Create a platform operator, or reset an existing one's password; returns (user, created).

    An existing superuser keeps that status when `superuser` is False: demoting is deliberate,
    not a side effect of a password reset.
    """
    connection.set_schema_to_public()
    email = (email or "").strip().lower()
    validate_email(email)
    user = User.objects.filter(username=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_staff = True
    user.is_active = True
    user.is_superuser = user.is_superuser or superuser
    user.save()
    return user, created
