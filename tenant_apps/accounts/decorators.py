from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import is_tenant_admin


def tenant_admin_required(view):
    """Anonymous: to the login page. Signed in but not an administrator: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_tenant_admin(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
