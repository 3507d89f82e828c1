"""Reads for an institution's accounts and site settings."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Q, QuerySet

from .models import SiteSettings
from .roles import ROLE_VALUES

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
