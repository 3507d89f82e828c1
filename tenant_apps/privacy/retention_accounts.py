"""The privacy app's own retention categories: "inactive_accounts" (learner accounts unused for
the period go through the erasure pipeline) and "payments" (records kept under legal hold after
an erasure are released once their hold ends). See
docs/decisions/0019-retention-of-inactive-accounts-and-payment-records.md.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tenant_apps.accounts.api import Role
from tenants.api import audit_log

from . import registry
from .models_erasure import ErasureRequest, LegalHold
from .models_retention import RetentionHold

BATCH = 500
EXAMPLES = 5
# The nightly run starts at most this many erasures (each sends an email); the rest wait a night.
PER_RUN = 1000

STAFF_ROLES = (Role.INSTRUCTOR, Role.TEACHING_ASSISTANT, Role.TENANT_ADMIN)


# --- inactive accounts -----------------------------------------------------------------------------

def _learner_candidates(cutoff: datetime):
    """Learners only (never staff, administrators, Django staff or superusers) who joined and last
    signed in before the cutoff, with no erasure under way and no administrator's hold."""
    return (User.objects.filter(groups__name=Role.LEARNER, date_joined__lt=cutoff, is_staff=False, is_superuser=False)
            .filter(Q(last_login__isnull=True) | Q(last_login__lt=cutoff))
            .exclude(groups__name__in=STAFF_ROLES)
            .exclude(pk__in=ErasureRequest.objects.filter(status__in=ErasureRequest.ACTIVE, user__isnull=False)
                     .values("user_id"))
            .exclude(pk__in=RetentionHold.objects.values("user_id"))
            .distinct().order_by("pk"))


def _example(user_id: int, public_id, last: datetime) -> str:
    """A pseudonymous line for the report: the profile's id (staff can open it), never an email."""
    shown = str(public_id) if public_id else hashlib.sha256(str(user_id).encode()).hexdigest()[:12]
    return f"{shown} (last active {last:%Y-%m-%d})"


def inactive_accounts_select(*, cutoff: datetime) -> tuple[list[int], dict]:
    """(ids of the accounts whose last activity is before `cutoff` and that owe or are owed nothing,
    report detail). Last activity: the latest of sign-up, last sign-in and every area's own
    timestamps (providers' `last_activity`); obligations: providers' `obligations`."""
    selected: list[int] = []
    skipped: dict[str, int] = defaultdict(int)
    examples: list[str] = []
    candidates = list(_learner_candidates(cutoff).values_list("pk", "date_joined", "last_login", "profile__public_id"))
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start:start + BATCH]
        ids = [row[0] for row in batch]
        activity = registry.last_activity_of(ids)
        owed = registry.obligations_of(ids)
        for user_id, joined, last_login, public_id in batch:
            last = max(t for t in (joined, last_login, activity.get(user_id)) if t is not None)
            if last >= cutoff:
                skipped["recent_activity"] += 1
            elif user_id in owed:
                skipped[owed[user_id]] += 1
            else:
                selected.append(user_id)
                if len(examples) < EXAMPLES:
                    examples.append(_example(user_id, public_id, last))
    detail = {**{f"skipped_{k}": v for k, v in sorted(skipped.items())},
              "accounts_held_by_an_administrator": RetentionHold.objects.count()}
    if examples:
        detail["examples"] = "; ".join(examples)
    return selected, detail


def inactive_accounts_apply(cutoff: datetime, dry_run: bool) -> dict:
    """Dry run: how many accounts would go (with a few pseudonymous examples). Real run: each gets
    an erasure request (reason "retention"): locked, emailed with the cancel link, erased after
    the notice period by the ordinary pipeline."""
    from .erasure import REASON_RETENTION, erasure_request_create

    selected, detail = inactive_accounts_select(cutoff=cutoff)
    if dry_run:
        return {"count": len(selected), "detail": detail}
    started = 0
    for user in User.objects.filter(pk__in=selected[:PER_RUN]).order_by("pk"):
        try:
            erasure_request_create(user=user, actor=None, reason=REASON_RETENTION)
            started += 1
        except ValidationError:  # a request of their own arrived meanwhile
            detail["skipped_erasure_under_way"] = detail.get("skipped_erasure_under_way", 0) + 1
    if len(selected) > PER_RUN:
        detail["left_for_the_next_run"] = len(selected) - PER_RUN
    return {"count": started, "detail": detail}


@transaction.atomic
def retention_hold_set(*, user: User, actor: User | None, reason: str = "") -> RetentionHold:
    """Keep `user` out of the inactive-accounts retention until the hold is cleared (audited)."""
    hold, _ = RetentionHold.objects.update_or_create(user=user, defaults={"reason": reason[:300], "created_by": actor})
    audit_log(action="privacy.retention_hold", target=user, actor=actor, after={"held": True})
    return hold


@transaction.atomic
def retention_hold_clear(*, user: User, actor: User | None) -> bool:
    deleted, _ = RetentionHold.objects.filter(user=user).delete()
    if deleted:
        audit_log(action="privacy.retention_hold", target=user, actor=actor, before={"held": True},
                  after={"held": False})
    return bool(deleted)


# --- payment records under legal hold -----------------------------------------------------------------

def payment_holds_due(*, cutoff: datetime, now: datetime | None = None):
    """Holds that may end: their recorded date has passed AND they are older than the institution's
    current period (the longer of the two wins, so changing the period never releases early)."""
    return LegalHold.objects.filter(category="payments", held_until__lte=now or timezone.now(), created_at__lte=cutoff)


def payments_apply(cutoff: datetime, dry_run: bool) -> dict:
    """Release the payment records whose legal hold ended: each owning area removes what is left
    of the person (`release`); the LegalHold rows go. Dry run: count them per kind of record."""
    holds = list(payment_holds_due(cutoff=cutoff).values_list("pk", "area", "model", "object_id"))
    by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
    for _, area, model, object_id in holds:
        by_kind[(area, model)].append(object_id)
    detail: dict[str, int] = {model: len(ids) for (_, model), ids in sorted(by_kind.items())}
    if dry_run:
        return {"count": len(holds), "detail": detail}
    for (area, model), ids in by_kind.items():
        provider = registry.provider_get(area)
        if provider is None or provider.release is None:
            raise RuntimeError(f"no area releases held {model} records ({area})")
        for what, count in (provider.release(model, ids) or {}).items():
            detail[what] = detail.get(what, 0) + count
    LegalHold.objects.filter(pk__in=[pk for pk, *_ in holds]).delete()
    return {"count": len(holds), "detail": detail}


# --- what this part holds, and the activity it sees ------------------------------------------------

def _holds_export(user) -> registry.ExportPart:
    return registry.ExportPart(records=registry.rows(RetentionHold.objects.filter(user=user), ("reason", "created_at")))


def _holds_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    deleted, _ = RetentionHold.objects.filter(user=user).delete()
    RetentionHold.objects.filter(created_by=user).update(created_by=None)
    return {"retention_holds_deleted": deleted}


RETENTION_HOLDS = registry.PrivacyProvider(
    area="retention_holds", title="Accounts kept out of retention",
    holdings=(registry.Holding("privacy.RetentionHold", fields=("user", "created_by")),),
    export=_holds_export, erase=_holds_erase, order=860,
)


def register() -> None:
    from django.conf import settings

    from .retention import RetentionCategory, retention_category_register

    registry.privacy_provider_register(RETENTION_HOLDS)
    retention_category_register(RetentionCategory(
        key="inactive_accounts", title="Inactive learner accounts", default_days=1095, min_days=180, max_days=3650,
        apply=inactive_accounts_apply,
        help="Learner accounts unused for the period are erased after an emailed notice (cancel link), unless an "
             "erasure is under way, something is still owed (an open pledge, a pending refund, an undelivered "
             "purchase) or an administrator holds the account. Staff accounts are never selected."))
    years = int(getattr(settings, "PRIVACY_PAYMENT_RETENTION_YEARS", 7))
    retention_category_register(RetentionCategory(
        key="payments", title="Payment records of erased people", default_days=round(years * 365.25),
        min_days=2557, max_days=3653, apply=payments_apply,
        help="Orders, refunds and collected pledges kept under legal hold after an erasure: when the hold ends, the "
             "last traces of the person (processor references, notes) are removed; amounts stay in the ledger."))
