"""Who may use the console: active staff users of the public schema (superusers for plans)."""
from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse


def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def operator_required(view):
    """Anonymous: to the console login; signed in but not an operator: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # The console URLs are only in the public URLconf; fail closed if routing ever changes.
        if connection.schema_name != settings.PUBLIC_SCHEMA_NAME:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("console:login"))
        if not is_operator(request.user):
            raise PermissionDenied("This account is not a platform operator.")
        return view(request, *args, **kwargs)

    return wrapper


def superuser_required(view):
    """Plan management: operators who are also superusers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied("Only platform superusers may manage plans.")
        return view(request, *args, **kwargs)

    return operator_required(wrapper)
