"""The institution roles; each is a Django group in the tenant schema."""
from django.db import models


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    INSTRUCTOR = "instructor", "Instructor"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    TENANT_ADMIN = "tenant_admin", "Administrator"


ROLE_VALUES = frozenset(Role.values)


_ROLE_CACHE = "_educrowd_role"


def role_of(user) -> str | None:
    """The user's role. Read once per user object (a request's user asks many times);
    role changes go through services.user_set_role, which forgets the remembered value."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = user.__dict__.get(_ROLE_CACHE, _ROLE_CACHE)
    if cached is not _ROLE_CACHE:
        return cached
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
    names = [g.name for g in prefetched] if prefetched is not None else list(user.groups.values_list("name", flat=True))
    role = next((r.value for r in (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.LEARNER)
                 if r.value in names), None)
    user.__dict__[_ROLE_CACHE] = role
    return role


def role_forget(user) -> None:
    user.__dict__.pop(_ROLE_CACHE, None)


def is_tenant_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and role_of(user) == Role.TENANT_ADMIN)
