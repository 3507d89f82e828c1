"""The audit log's core, part of the tenancy core because every app writes to it.

`audit_log(...)` appends a row in the store of the current schema (public: operator actions,
`shared_apps.audit`; a tenant's schema: that institution's actions, `tenant_apps.audit`), inside
the caller's transaction, so an action and its record commit or roll back together. The stores
are looked up by model label, so this module imports neither app. The filter form and the list
selector serve both audit pages.
"""
from __future__ import annotations

import contextvars
import json
import re
from datetime import date, datetime, time
import ipaddress
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntryBase(models.Model):
    """One audited action. Never updated nor deleted (the model refuses, a trigger enforces)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)  # no FK: the row outlives the user
    actor_email = models.CharField(max_length=254, blank=True)
    actor_ip = models.GenericIPAddressField(null=True, blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True, db_index=True)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=255, blank=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'} {self.action} {self.target_label}"

    @property
    def diff(self) -> dict[str, tuple[Any, Any]]:
        """{field: (before, after)} for the fields that changed."""
        before, after = self.before or {}, self.after or {}
        if not isinstance(before, dict) or not isinstance(after, dict):
            return {"value": (self.before, self.after)}
        return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def client_ip(request) -> str | None:
    """The caller's address; X-Forwarded-For only behind our own proxy (BEHIND_TLS_PROXY), whose
    appended entry (the last one) is the one we can trust."""
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            address = forwarded[-1]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class AuditContextMiddleware:
    """Remembers the current request so services can record who acted and from where."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def _store():
    if connection.schema_name == getattr(settings, "PUBLIC_SCHEMA_NAME", "public"):
        return apps.get_model("audit", "OperatorAuditEntry")
    return apps.get_model("tenant_audit", "AuditEntry")


def _target_fields(target) -> dict[str, str]:
    if target is None:
        return {}
    if isinstance(target, (tuple, list)):  # (type, id, label)
        kind, ident, label = (list(target) + ["", "", ""])[:3]
        return {"target_type": str(kind)[:64], "target_id": str(ident)[:64], "target_label": str(label)[:255]}
    ident = getattr(target, "public_id", None) or getattr(target, "uuid", None) or getattr(target, "slug", None) or target.pk
    return {"target_type": target._meta.label_lower[:64], "target_id": str(ident)[:64], "target_label": str(target)[:255]}


def audit_log(*, action: str, target=None, before=None, after=None, actor=None):
    """Append an audit entry in the current schema's store; call it inside the action's transaction.
    The actor defaults to the signed-in user of the current request; the IP comes from the request."""
    request = _request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if getattr(user, "is_authenticated", False) else None
    return _store().objects.create(
        action=action[:64],
        actor_id=getattr(actor, "pk", None),
        actor_email=(getattr(actor, "email", "") or getattr(actor, "username", "") or "")[:254] if actor else "",
        actor_ip=client_ip(request) if request is not None else None,
        # An operator's row names the institution acted on; a tenant's row, its own schema.
        tenant_schema=(getattr(target, "schema_name", None) or getattr(getattr(target, "tenant", None), "schema_name", None)
                       or connection.schema_name)[:63],
        before=before, after=after,
        **_target_fields(target),
    )


# --- reads, for the tenant admins' page and API and the operator console -----------------
# --- privacy maintenance: the only writes the append-only log accepts ----------------------------

def _maintenance(cursor, on: bool = True) -> None:
    # SET LOCAL lasts until the outermost transaction ends, so each maintenance switches it
    # off again when done: the rest of a surrounding transaction is append-only again.
    cursor.execute(f"SET LOCAL educrowd.audit_maintenance = '{'on' if on else 'off'}'")


def audit_anonymise(*, user_id: int, emails: list[str], pseudonym: str) -> int:
    """Erasure: in the current institution's entries by or about user `user_id`, the actor's
    email becomes `pseudonym`, the address is dropped, and labels and before/after values that
    hold one of `emails` are replaced. -> entries changed. Re-runnable."""
    model = _store()
    about = Q(actor_id=user_id) | Q(target_type="auth.user", target_id=str(user_id))
    for email in emails:
        about |= Q(target_label__icontains=email) | Q(actor_email__iexact=email)
    table = model._meta.db_table
    changed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _maintenance(cursor)
        for entry in model.objects.filter(about).only("pk", "actor_email", "actor_ip", "target_label", "before", "after"):
            label, before, after = entry.target_label, entry.before, entry.after
            for email in emails:
                label = _scrub(label, email, pseudonym)
                before, after = _scrub(before, email, pseudonym), _scrub(after, email, pseudonym)
            actor_email = pseudonym if entry.actor_email else ""
            if (actor_email, None, label, before, after) == (entry.actor_email, entry.actor_ip, entry.target_label,
                                                             entry.before, entry.after):
                continue
            cursor.execute(
                f'UPDATE "{table}" SET actor_email = %s, actor_ip = NULL, target_label = %s, before = %s, after = %s '
                "WHERE id = %s",
                [actor_email, label, None if before is None else json.dumps(before, cls=DjangoJSONEncoder),
                 None if after is None else json.dumps(after, cls=DjangoJSONEncoder), entry.pk])
            changed += 1
        _maintenance(cursor, on=False)
    return changed


def _scrub(value, needle: str, replacement: str):
    """`value` (str, or JSON: dict/list/str) with `needle` replaced, case-insensitively."""
    if isinstance(value, str):
        return re.sub(re.escape(needle), replacement, value, flags=re.IGNORECASE)
    if isinstance(value, dict):
        return {_scrub(k, needle, replacement): _scrub(v, needle, replacement) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, needle, replacement) for v in value]
    return value


def audit_purge(*, before: datetime, dry_run: bool = False) -> int:
    """Retention: delete the current institution's entries older than `before`. -> how many."""
    model = _store()
    table = model._meta.db_table
    if dry_run:
        return model.objects.filter(created_at__lt=before).count()
    with transaction.atomic(), connection.cursor() as cursor:
        _maintenance(cursor)
        cursor.execute(f'DELETE FROM "{table}" WHERE created_at < %s', [before])
        deleted = cursor.rowcount
        _maintenance(cursor, on=False)
        return deleted


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


class AuditFilterForm(forms.Form):
    action = forms.CharField(required=False, max_length=64)
    actor = forms.CharField(required=False, max_length=254, label="Actor email")
    target = forms.CharField(required=False, max_length=255)
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
