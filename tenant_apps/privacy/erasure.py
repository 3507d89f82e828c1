"""Erasure (right to be forgotten): request, cool-off, cancel, and the linear, resumable pipeline.

A request locks the account (inactive, signed out everywhere) and starts the institution's
cool-off; the person can cancel with the emailed link (no login: a token) until the pipeline
starts. Then the steps run in order: every privacy provider with an `erase` (registry order),
then `files` (stored files the providers named), `caches` (per-person keys apps registered),
`sessions`, and `account` (the row kept as an anonymised tombstone). Each step commits its
work, its log line and the step index in ONE transaction, so a crash mid-step rolls the step
back and the next run does it again from the start (steps are idempotent); finished steps
never run twice. Payment records a provider declares stay under legal hold (LegalHold rows).
See docs/decisions/0016-erasure-pseudonyms-and-legal-holds.md.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tenant_apps.accounts import api as accounts
from tenants.api import audit_log, site_url_for_tenant, tenant_branding, tenant_cache_delete

from . import registry
from .hooks import erasure_cache_keys
from .models_erasure import ErasureRequest, LegalHold, PrivacySettings

logger = logging.getLogger(__name__)

Status = ErasureRequest.Status
ALREADY_REQUESTED = "An erasure of this account is already under way."
NOT_CANCELLABLE = "This erasure can no longer be cancelled: it has started or ended."


# --- settings and pseudonyms -----------------------------------------------------------------------

def privacy_settings_get() -> PrivacySettings:
    settings_row, _ = PrivacySettings.objects.get_or_create(pk=1)
    return settings_row


@transaction.atomic
def privacy_settings_update(*, erasure_cool_off_days: int, actor: User | None) -> PrivacySettings:
    row = PrivacySettings.objects.select_for_update().get(pk=privacy_settings_get().pk)
    before = row.erasure_cool_off_days
    row.erasure_cool_off_days = erasure_cool_off_days
    row.full_clean()
    row.save(update_fields=["erasure_cool_off_days", "updated_at"])
    audit_log(action="privacy.settings_change", target=("privacy.settings", "1", "Privacy settings"), actor=actor,
              before={"erasure_cool_off_days": before}, after={"erasure_cool_off_days": erasure_cool_off_days})
    return row


def pseudonym_make(*, user_id: int, nonce: str) -> str:
    """`retired-<hmac>`: keyed by the institution's secret salt, so it leads back to nobody."""
    salt = privacy_settings_get().pseudonym_salt
    digest = hmac.new(salt.encode(), f"{user_id}:{nonce}".encode(), hashlib.sha256).hexdigest()
    return f"retired-{digest[:20]}"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def retention_until(now=None):
    """When a record put under legal hold now may go: the institution's "payments" retention
    period when it chose one, else PRIVACY_PAYMENT_RETENTION_YEARS (default 7)."""
    from .retention import chosen_days

    now = now or timezone.now()
    days = chosen_days("payments")
    if days is not None:
        return now + timedelta(days=days)
    years = int(getattr(settings, "PRIVACY_PAYMENT_RETENTION_YEARS", 7))
    try:
        return now.replace(year=now.year + years)
    except ValueError:  # 29 February
        return now.replace(year=now.year + years, day=28)


# --- request and cancel ----------------------------------------------------------------------------

def _site_name() -> str:
    return tenant_branding().get("name") or "EduCrowd"


def _cancel_url(token: str) -> str:
    return site_url_for_tenant(connection.tenant, f"/privacy/erasure/cancel/{token}/")


# Nobody asked for a retention erasure: the person gets at least this long to keep the account
# (the institution's cool-off when it is longer).
RETENTION_NOTICE_DAYS = 14
REASON_RETENTION = "retention"


@transaction.atomic
def erasure_request_create(*, user: User, actor: User | None = None, reason: str = "") -> ErasureRequest:
    """The person (actor None or the person) or an administrator asks, or retention (`reason`
    "retention", actor None) finds the account inactive past its period: lock the account, sign it
    out everywhere, start the cool-off, email a cancel link. 409-worthy ValidationError when one
    is already under way, or when `user` is the last active administrator."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if ErasureRequest.objects.filter(user=user, status__in=ErasureRequest.ACTIVE).exists():
        raise ValidationError(ALREADY_REQUESTED, code="already_requested")
    by_retention = reason == REASON_RETENTION
    by_self = not by_retention and (actor is None or actor.pk == user.pk)
    was_active = accounts.user_erasure_lock(user=user)
    days = privacy_settings_get().erasure_cool_off_days
    if by_retention:
        days = max(days, RETENTION_NOTICE_DAYS)
    token = secrets.token_urlsafe(32)
    nonce = secrets.token_hex(16)
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(
                user=user, requested_by=None if by_self or by_retention else actor, by_self=by_self,
                reason=REASON_RETENTION if by_retention else "", was_active=was_active,
                scheduled_for=timezone.now() + timedelta(days=days), pseudonym=pseudonym_make(user_id=user.pk, nonce=nonce),
                cancel_token_hash=_token_hash(token), steps_total=len(erasure_steps()),
            )
    except IntegrityError as exc:  # a concurrent request won
        raise ValidationError(ALREADY_REQUESTED, code="already_requested") from exc
    audit_log(action="privacy.erasure_request", target=user, actor=None if by_retention else actor or user,
              after={"request": str(request.public_id),
                     "by": "retention" if by_retention else "self" if by_self else "admin",
                     "scheduled_for": request.scheduled_for.isoformat()})
    from tenant_apps.notifications.api import notify  # mandatory: emailed although the account is now locked

    notify("erasure_requested", [user], {
        "user": user, "site_name": _site_name(), "cancel_url": _cancel_url(token), "request": request,
        "days": days, "by_self": by_self, "by_retention": by_retention,
    })
    if days == 0:
        request_id = request.pk
        transaction.on_commit(lambda: _enqueue(request_id))
    return request


def erasure_request_for_token(*, token: str) -> ErasureRequest | None:
    if not token or len(token) > 200:
        return None
    return ErasureRequest.objects.select_related("user").filter(cancel_token_hash=_token_hash(token)).first()


@transaction.atomic
def erasure_cancel(*, request: ErasureRequest, actor: User | None) -> ErasureRequest:
    """During the cool-off: the account is unlocked as it was, the request cancelled (audited)."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.COOLING_OFF or request.user is None:
        raise ValidationError(NOT_CANCELLABLE, code="not_cancellable")
    accounts.user_erasure_unlock(user=request.user, was_active=request.was_active)
    request.status, request.cancelled_at = Status.CANCELLED, timezone.now()
    request.save(update_fields=["status", "cancelled_at", "updated_at"])
    audit_log(action="privacy.erasure_cancel", target=request.user, actor=actor or request.user,
              after={"request": str(request.public_id)})
    return request


def erasure_cancel_by_token(*, token: str) -> ErasureRequest:
    request = erasure_request_for_token(token=token)
    if request is None:
        raise ValidationError("This cancel link is not valid.", code="not_found")
    return erasure_cancel(request=request, actor=request.user)


@transaction.atomic
def erasure_retry(*, request: ErasureRequest, actor: User | None) -> ErasureRequest:
    """A failed pipeline runs again from the step that failed."""
    request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.FAILED:
        raise ValidationError("Only a failed erasure can be retried.", code="not_failed")
    request.status = Status.RUNNING
    request.save(update_fields=["status", "updated_at"])
    audit_log(action="privacy.erasure_retry", target=("privacy.erasurerequest", str(request.public_id), request.pseudonym),
              actor=actor)
    request_id = request.pk
    transaction.on_commit(lambda: _enqueue(request_id))
    return request


def _lock_reason(user: User) -> str | None:
    request = ErasureRequest.objects.filter(user=user, status=Status.COOLING_OFF).first()
    if request is None:
        return None
    if request.reason == REASON_RETENTION:
        return (f"This account is locked: it had not been used for a long time, so on {request.created_at:%d %B %Y} "
                f"its erasure was scheduled for {request.scheduled_for:%d %B %Y}. To keep it, use the link in the "
                f"email we sent.")
    return (f"This account is locked: its erasure was requested on {request.created_at:%d %B %Y} and it will be "
            f"erased after {request.scheduled_for:%d %B %Y}. To keep it, use the cancel link in the email we sent.")


# --- the pipeline ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[ErasureRequest, User], dict[str, int]]


def _provider_step(provider: registry.PrivacyProvider) -> Step:
    def run(request: ErasureRequest, user: User) -> dict[str, int]:
        files: list[str] = []
        holds: list[tuple[str, str]] = []
        counts = provider.erase(user, pseudonym=request.pseudonym, files=files, holds=holds) or {}
        if files:
            request.files_pending = sorted(set(request.files_pending) | set(files))
        if holds:
            until = retention_until()
            LegalHold.objects.bulk_create([
                LegalHold(request=request, category=provider.legal_hold or "other", area=provider.area, model=model,
                          object_id=object_id, held_until=until) for model, object_id in holds
            ], ignore_conflicts=True)
        return counts
    return Step(f"erase:{provider.area}", run)


def _files_step(request: ErasureRequest, user: User) -> dict[str, int]:
    """Delete the stored files the providers named (after their rows' deletion committed)."""
    deleted = 0
    for name in request.files_pending:
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
        _prune_empty_folders(name)
    request.files_pending = []  # the names carry the person's id ("learner-<pk>")
    return {"files_deleted": deleted}


def _prune_empty_folders(name: str) -> None:
    """On the local store, the emptied folders of a file (their names may carry the person's id)."""
    try:
        root = Path(default_storage.path(""))
        folder = Path(default_storage.path(name)).parent
    except NotImplementedError:  # object storage has no folders
        return
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty, or gone
            if folder.exists():
                return
        folder = folder.parent


def _cache_step(request: ErasureRequest, user: User) -> dict[str, int]:
    """Delete the person's cache keys (patterns apps registered) in this institution's key space."""
    deleted = sum(tenant_cache_delete(connection.schema_name, f"*:{pattern}") for pattern in erasure_cache_keys(user))
    return {"cache_keys_deleted": deleted}


def _sessions_step(request: ErasureRequest, user: User) -> dict[str, int]:
    return {"sessions_ended": accounts.user_sessions_end(user_id=user.pk)}


def _account_step(request: ErasureRequest, user: User) -> dict[str, int]:
    """Last: tell the person (to the address they had: rendered now, sent on commit, never stored),
    then anonymise the account row."""
    if user.email and not user.email.endswith("@invalid"):
        from tenant_apps.notifications.api import notify

        # to the bare address: the account is anonymised next, so nothing of it may stay behind
        notify("erasure_done", [user.email], {
            "site_name": _site_name(), "request": request,
            "held": request.holds.exists(), "years": int(getattr(settings, "PRIVACY_PAYMENT_RETENTION_YEARS", 7)),
        })
    return accounts.user_anonymise(user=user, pseudonym=request.pseudonym)


def erasure_steps() -> list[Step]:
    steps = [_provider_step(p) for p in registry.providers() if p.erase is not None]
    return steps + [Step("files", _files_step), Step("caches", _cache_step), Step("sessions", _sessions_step),
                    Step("account", _account_step)]


def _scrubbed_error(exc: BaseException, user: User | None, pseudonym: str) -> str:
    text = f"{type(exc).__name__}: {exc}"
    if user is not None:
        for needle in {user.email, user.username, user.first_name, user.last_name} - {""}:
            if len(needle) > 2:
                text = re.sub(re.escape(needle), pseudonym, text, flags=re.IGNORECASE)
    return text[:500]


def erasure_start_due(*, now=None) -> list[int]:
    """Cool-offs that ended: their requests start running. -> their ids."""
    now = now or timezone.now()
    started = []
    for request_id in ErasureRequest.objects.filter(status=Status.COOLING_OFF, scheduled_for__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            request = ErasureRequest.objects.select_for_update().get(pk=request_id)
            if request.status == Status.COOLING_OFF and request.scheduled_for <= now:
                request.status, request.started_at = Status.RUNNING, now
                request.save(update_fields=["status", "started_at", "updated_at"])
                audit_log(action="privacy.erasure_start", actor=None,
                          target=("privacy.erasurerequest", str(request.public_id), request.pseudonym))
                started.append(request_id)
    return started


def erasure_run(*, request_id: int) -> ErasureRequest:
    """Run the remaining steps of a running request, each in its own transaction with its step
    index; a failure marks the request failed (its message scrubbed of the person) and re-raises."""
    steps = erasure_steps()
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request_id)
        if request.status == Status.COOLING_OFF and request.scheduled_for <= timezone.now():
            erasure_start_due()  # a cool-off of 0 days: queued at once
            request.refresh_from_db()
        if request.status != Status.RUNNING:
            return request
        request.attempts += 1
        request.steps_total = len(steps)
        request.error = ""
        request.save(update_fields=["attempts", "steps_total", "error", "updated_at"])
    user = None
    try:
        while True:
            with transaction.atomic():
                request = ErasureRequest.objects.select_for_update().get(pk=request_id)
                if request.status != Status.RUNNING or request.step >= len(steps):
                    break
                user = User.objects.get(pk=request.user_id)
                step = steps[request.step]
                counts = step.run(request, user)
                request.log = [*request.log, {"step": step.name, "counts": counts,
                                              "finished_at": timezone.now().isoformat()}]
                request.step += 1
                if request.step >= len(steps):
                    request.status, request.finished_at = Status.DONE, timezone.now()
                    audit_log(action="privacy.erasure_done", actor=None,
                              target=("privacy.erasurerequest", str(request.public_id), request.pseudonym),
                              after={"steps": len(steps), "held": request.holds.count()})
                request.save()
    except Exception as exc:
        with transaction.atomic():
            ErasureRequest.objects.filter(pk=request_id, status=Status.RUNNING).update(
                status=Status.FAILED, error=_scrubbed_error(exc, user, request.pseudonym), updated_at=timezone.now())
        logger.exception("erasure %s failed at step %s", request_id, request.step)
        raise
    return request


# --- reads -----------------------------------------------------------------------------------------

def erasure_request_list():
    return ErasureRequest.objects.select_related("requested_by").order_by("-created_at")


def erasure_request_get(*, public_id) -> ErasureRequest | None:
    try:
        return ErasureRequest.objects.select_related("user").filter(public_id=public_id).first()
    except (ValueError, ValidationError):
        return None


def erasure_active_for(*, user: User) -> ErasureRequest | None:
    return ErasureRequest.objects.filter(user=user, status__in=ErasureRequest.ACTIVE).first()


def legal_hold_list():
    return LegalHold.objects.select_related("request").order_by("held_until", "pk")


# --- tasks (thin: ids, in the schema they were sent from) ------------------------------------------

def _enqueue(request_id: int) -> None:
    try:
        erasure_run_task.delay(request_id)
    except Exception:  # noqa: BLE001 - the beat sweep picks it up again
        logger.exception("could not enqueue erasure %s", request_id)


@shared_task(bind=True, acks_late=True, max_retries=3)
def erasure_run_task(self, request_id: int) -> str:
    try:
        return erasure_run(request_id=request_id).status
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            raise
        with transaction.atomic():  # retried automatically a few times, then left failed for a person
            ErasureRequest.objects.filter(pk=request_id, status=Status.FAILED).update(status=Status.RUNNING)
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries) from exc


@shared_task(acks_late=True)
def erasure_sweep_for_tenant() -> int:
    """Beat (per institution): start requests whose cool-off ended; resume running ones left
    behind (a worker that died: their step rolled back and runs again)."""
    started = erasure_start_due()
    stale = timezone.now() - timedelta(minutes=10)
    resumed = list(ErasureRequest.objects.filter(status=Status.RUNNING, updated_at__lt=stale)
                   .exclude(pk__in=started).values_list("pk", flat=True))
    for request_id in started + resumed:
        _enqueue(request_id)
    return len(started) + len(resumed)


@shared_task
def erasure_sweep_everywhere() -> int:
    """Beat entry point (public schema): one sweep per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(erasure_sweep_for_tenant)


# --- what this part holds about people, and its hook into the login form ----------------------------

def _requests_export(user) -> registry.ExportPart:
    return registry.ExportPart(records=registry.rows(ErasureRequest.objects.filter(user=user), (
        "public_id", "status", "by_self", "created_at", "scheduled_for", "cancelled_at", "finished_at")))


def _requests_last_activity(user_ids: list[int]) -> dict:
    """Cancelling an erasure (with the emailed link, no sign-in) says "I am still here" (retention)."""
    return registry.latest_by_user(ErasureRequest.objects.filter(user_id__in=user_ids, cancelled_at__isnull=False),
                                   "user_id", "cancelled_at")


ERASURE_REQUESTS = registry.PrivacyProvider(
    area="erasure_requests", title="Erasure requests",
    # No erase: the request is the record that the erasure happened; it points at the anonymised account.
    holdings=(registry.Holding("privacy.ErasureRequest", fields=("user", "requested_by")),),
    export=_requests_export, last_activity=_requests_last_activity, order=950,
)


def register() -> None:
    registry.privacy_provider_register(ERASURE_REQUESTS)
    accounts.account_lock_reason_register(_lock_reason)
