"""The institution roles; each is a Django group in the tenant schema."""
from django.db import models


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    INSTRUCTOR = "instructor", "Instructor"
    TEACHING_ASSISTANT = "teaching_assistant", "Teaching assistant"
    TENANT_ADMIN = "tenant_admin", "Administrator"


ROLE_VALUES = frozenset(Role.values)


def role_of(user) -> str | None:
    """The user's role, read from prefetched groups when available."""
    names = [g.name for g in user.groups.all()]
    for role in (Role.TENANT_ADMIN, Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.LEARNER):
        if role.value in names:
            return role.value
    return None


def is_tenant_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and role_of(user) == Role.TENANT_ADMIN)
