"""Retention: each category of records is kept for a period (per institution, within the
platform's bounds) and what is older goes, nightly (Celery beat), each run audited.

Apps register the categories they keep (`retention_category_register`): the audit log
registers "audit" (audit and access logs, 90 days by default); the privacy app registers
"inactive_accounts" (through the erasure pipeline) and "payments" (legal holds that ended),
see retention_accounts.py and docs/decisions/0019. A category's
`apply(cutoff, dry_run)` returns {"count": n, "detail": {...}}: with `dry_run` it only counts
what would go, which is the report staff see before anything is removed (and what the nightly
run does for a category an institution has switched off).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.api import audit_log

from .models_retention import RetentionPolicy, RetentionRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionCategory:
    key: str
    title: str
    default_days: int
    min_days: int
    max_days: int
    apply: Callable[[datetime, bool], dict]  # (cutoff, dry_run) -> {"count": int, "detail": dict}
    help: str = ""


_categories: dict[str, RetentionCategory] = {}


def retention_category_register(category: RetentionCategory) -> None:
    _categories[category.key] = category


def categories() -> list[RetentionCategory]:
    return sorted(_categories.values(), key=lambda c: c.key)


def _bounds(category: RetentionCategory) -> tuple[int, int, int]:
    """(default, min, max) days: the category's, overridden by PRIVACY_RETENTION_BOUNDS."""
    override = getattr(settings, "PRIVACY_RETENTION_BOUNDS", {}).get(category.key, {})
    return (override.get("default", category.default_days), override.get("min", category.min_days),
            override.get("max", category.max_days))


@dataclass(frozen=True)
class Policy:
    category: RetentionCategory
    days: int
    enabled: bool
    min_days: int
    max_days: int
    default_days: int
    customised: bool


def policies_get() -> list[Policy]:
    """Every registered category with the institution's choice (or the default), clamped to the bounds."""
    chosen = {row.category: row for row in RetentionPolicy.objects.all()}
    out = []
    for category in categories():
        default, low, high = _bounds(category)
        row = chosen.get(category.key)
        days = min(max(row.days if row else default, low), high)
        out.append(Policy(category=category, days=days, enabled=row.enabled if row else True, min_days=low,
                          max_days=high, default_days=default, customised=row is not None))
    return out


def chosen_days(category: str) -> int | None:
    """The institution's period for `category` (clamped to the bounds) when it chose one, else None."""
    known = _categories.get(category)
    row = RetentionPolicy.objects.filter(category=category).values("days").first()
    if known is None or row is None:
        return None
    _, low, high = _bounds(known)
    return min(max(row["days"], low), high)


@transaction.atomic
def policy_set(*, actor, category: str, days: int, enabled: bool = True) -> Policy:
    known = _categories.get(category)
    if known is None:
        raise ValidationError({"category": f"Unknown retention category “{category}”."})
    default, low, high = _bounds(known)
    if not low <= days <= high:
        raise ValidationError({"days": f"{known.title}: between {low} and {high} days on this platform."})
    before = RetentionPolicy.objects.filter(category=category).values("days", "enabled").first()
    RetentionPolicy.objects.update_or_create(category=category, defaults={"days": days, "enabled": enabled,
                                                                          "updated_by": actor})
    audit_log(action="privacy.retention_policy", target=("retention", category, known.title), actor=actor,
              before=before, after={"days": days, "enabled": enabled})
    return next(p for p in policies_get() if p.category.key == category)


def retention_run(*, dry_run: bool, trigger: str = RetentionRun.Trigger.STAFF, actor=None,
                  now: datetime | None = None) -> RetentionRun:
    """Apply (or with `dry_run` only count) every category's policy; one report, audited."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(dry_run=dry_run, trigger=trigger, actor=actor)
    report = {}
    errors = []
    for policy in policies_get():
        cutoff = now - timedelta(days=policy.days)
        applied = not dry_run and policy.enabled
        try:
            with transaction.atomic():
                outcome = policy.category.apply(cutoff, not applied)
        except Exception as exc:  # noqa: BLE001 - one category failing must not stop the others
            logger.exception("retention %s failed", policy.category.key)
            errors.append(f"{policy.category.key}: {exc}"[:200])
            outcome = {"count": 0, "detail": {"error": str(exc)[:200]}}
            applied = False
        report[policy.category.key] = {
            "title": policy.category.title, "days": policy.days, "cutoff": cutoff.isoformat(),
            "enabled": policy.enabled, "applied": applied, "count": outcome.get("count", 0),
            "detail": outcome.get("detail", {}),
        }
    run.report, run.finished_at, run.error = report, timezone.now(), "; ".join(errors)[:500]
    run.save(update_fields=["report", "finished_at", "error"])
    audit_log(action="privacy.retention_dry_run" if dry_run else "privacy.retention_run", target=run, actor=actor,
              after={key: {"count": r["count"], "applied": r["applied"]} for key, r in report.items()})
    return run


def runs_recent(limit: int = 20):
    return RetentionRun.objects.select_related("actor")[:limit]


@shared_task(acks_late=True)
def retention_nightly_for_tenant() -> str:
    return str(retention_run(dry_run=False, trigger=RetentionRun.Trigger.NIGHTLY).public_id)


@shared_task
def retention_nightly_everywhere() -> int:
    """Beat entry point (public schema): one run per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(retention_nightly_for_tenant)


def _staff_actions_export(user):
    from .registry import ExportPart, rows

    return ExportPart(records=[
        *({"kind": "retention_policy_changed", **r} for r in rows(RetentionPolicy.objects.filter(updated_by=user),
                                                                   ("category", "days", "enabled", "updated_at"))),
        *({"kind": "retention_run_started", **r} for r in rows(RetentionRun.objects.filter(actor=user),
                                                                ("public_id", "dry_run", "started_at"))),
    ])


def register_personal_data() -> None:
    from .registry import Holding, PrivacyProvider, privacy_provider_register

    privacy_provider_register(PrivacyProvider(
        area="privacy_administration", title="Retention settings you changed and runs you started",
        holdings=(Holding("privacy.RetentionPolicy", fields=("updated_by",)), Holding("privacy.RetentionRun", fields=("actor",))),
        export=_staff_actions_export, order=850,
    ))
