"""Reads of platform plans."""
from django.db.models import QuerySet

from .models import Plan


def plan_list_available() -> QuerySet[Plan]:
    return Plan.objects.filter(is_active=True)
