"""Sign-ins and failed sign-ins go to the institution's audit log."""
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import connection
from django.dispatch import receiver

from tenants.api import audit_log


def _in_tenant() -> bool:
    return connection.schema_name != "public"


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs):
    if _in_tenant():
        audit_log(action="auth.login", target=("auth.user", user.pk, user.email), actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    if _in_tenant():
        email = str(credentials.get("username") or credentials.get("email") or "")[:254]
        audit_log(action="auth.login_failed", target=("auth.user", "", email), after={"email": email})
