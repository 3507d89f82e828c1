"""Reads of the audit log, for the tenant admins' page and API and the operator console."""
from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_entry_list(
    *, model, action: str = "", actor: str = "", target: str = "", date_from: date | None = None,
    date_to: date | None = None, tenant: str = "",
) -> QuerySet:
    """Newest first. `action` matches a dotted prefix ("user." or "user.role_change"); `actor` and
    `target` match part of the email / the target's type, id or label; dates are inclusive days."""
    entries = model.objects.all()
    if action:
        entries = entries.filter(action__startswith=action.strip())
    if actor:
        entries = entries.filter(actor_email__icontains=actor.strip())
    if target:
        t = target.strip()
        entries = entries.filter(Q(target_label__icontains=t) | Q(target_id=t) | Q(target_type=t))
    if tenant:
        entries = entries.filter(tenant_schema=tenant.strip())
    if date_from:
        entries = entries.filter(created_at__gte=_day_start(date_from))
    if date_to:
        entries = entries.filter(created_at__lt=_day_start(date_to) + timezone.timedelta(days=1))
    return entries.order_by("-created_at", "-id")


def audit_actions(*, model) -> list[str]:
    return list(model.objects.order_by("action").values_list("action", flat=True).distinct())
