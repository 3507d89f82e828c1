"""Reads for an institution's accounts and site settings."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Q, QuerySet

from .models import Invitation, Profile, SiteSettings, UserImport
from .roles import ROLE_VALUES, Role

STAFF_ROLES = (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)

_SITE_KEY = "site-settings:v1"  # the cache key function prefixes the tenant schema


def site_settings_get() -> SiteSettings:
    site = cache.get(_SITE_KEY)
    if site is None:
        site = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1, display_name="EduCrowd")
        cache.set(_SITE_KEY, site, 300)
    return site


def site_settings_cache_clear() -> None:
    cache.delete(_SITE_KEY)


def user_list(*, search: str = "", role: str = "", status: str = "") -> QuerySet[User]:
    qs = User.objects.select_related("profile").prefetch_related("groups").order_by("last_name", "first_name", "email")
    if search:
        qs = qs.filter(Q(email__icontains=search) | Q(first_name__icontains=search) | Q(last_name__icontains=search))
    if role in ROLE_VALUES:
        qs = qs.filter(groups__name=role)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    return qs.distinct()


def user_get_by_public_id(*, public_id) -> User | None:
    return User.objects.select_related("profile").prefetch_related("groups").filter(profile__public_id=public_id).first()


def site_base_url() -> str:
    """The current institution's site root, for links in emails sent without a request (tasks).

    Host: the tenant's primary domain; scheme and port: settings.SITE_SCHEME / SITE_PORT (the
    port is left out when it is the scheme's default).
    """
    from django.conf import settings
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if not hasattr(tenant, "primary_domain"):  # schema_context() sets a stand-in without domains
        from tenants.api import Tenant

        tenant = Tenant.objects.filter(schema_name=connection.schema_name).first()
    domain = tenant.primary_domain if tenant is not None else None
    if not domain:
        raise LookupError(f"institution {connection.schema_name} has no primary domain")
    scheme = getattr(settings, "SITE_SCHEME", "http")
    port = str(getattr(settings, "SITE_PORT", "") or "")
    default_port = {"http": "80", "https": "443"}.get(scheme)
    netloc = domain if port in ("", default_port) else f"{domain}:{port}"
    return f"{scheme}://{netloc}/"


def invitation_list_open() -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included, flagged by expires_at)."""
    return Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related("invited_by")


def invitation_get_open(*, public_id) -> Invitation | None:
    return invitation_list_open().filter(public_id=public_id).first()


def user_import_list() -> QuerySet[UserImport]:
    return UserImport.objects.select_related("created_by")


def user_import_get(*, public_id) -> UserImport | None:
    return user_import_list().filter(public_id=public_id).first()


def user_import_rejected_csv(*, user_import: UserImport) -> str:
    """The rejected rows of an import as CSV text: row number, email, reason."""
    import csv
    import io

    from .uploads import csv_safe_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "email", "reason"])
    for item in user_import.rejected_rows:
        writer.writerow([item.get("row", ""), csv_safe_cell(item.get("email", "")), csv_safe_cell(item.get("reason", ""))])
    return out.getvalue()


def learner_count() -> int:
    """Active learners of the current institution (a usage figure against the plan's limit)."""
    return User.objects.filter(is_active=True, groups__name=Role.LEARNER).count()


def staff_count() -> int:
    """Active administrators, instructors and teaching assistants (the plan's staff seats)."""
    return User.objects.filter(is_active=True, groups__name__in=STAFF_ROLES).distinct().count()


def time_zone_key(user_id: int) -> str:
    return f"accounts:user-tz:{user_id}"  # the cache key function adds the tenant schema


def user_time_zone(user) -> str:
    """The user's own time zone name, or "" (the institution's). Read on every signed-in page
    (tenants.middleware, settings.USER_TIME_ZONE): cached, so it costs no query once warm."""
    if not getattr(user, "is_authenticated", False):
        return ""
    key = time_zone_key(user.pk)
    name = cache.get(key)
    if name is None:
        name = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first() or ""
        cache.set(key, name, 3600)
    return name
