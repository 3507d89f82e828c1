"""Writes for an institution's accounts: members, roles, invitations, verification, settings."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from billing.api import PlanLimitExceeded, limit_check
from tenants.api import audit_log, tenant_time_zone_set

from .models import Invitation, Profile, SiteSettings, UserImport
from .roles import ROLE_VALUES, Role, role_forget, role_of

EMAIL_VERIFY_SALT = "accounts.email-verify"


def _normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _site_name() -> str:
    site = SiteSettings.objects.first()
    return site.display_name if site else "EduCrowd"


def _check_role(role: str) -> None:
    if role not in ROLE_VALUES:
        raise ValidationError({"role": f"Unknown role “{role}”. Choose one of: {', '.join(sorted(ROLE_VALUES))}."})


def _plan_limit_of(role: str | None) -> str | None:
    """The plan limit a member with `role` counts against: learners, or staff seats."""
    if role is None:
        return None
    return "learners" if role == Role.LEARNER else "staff"


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    role: str = Role.LEARNER,
    email_verified: bool = False,
) -> User:
    email = _normalize_email(email)
    _check_role(role)
    if User.objects.filter(username=email).exists():
        raise ValidationError({"email": "A member with this email address already exists."})
    # Every new member (sign-up, invitation, import) passes here: lock the role's group so two
    # additions cannot both take the plan's last place, then ask the plan.
    group = Group.objects.select_for_update().get(name=role)
    limit_check(_plan_limit_of(role))
    user = User(username=email, email=email, first_name=first_name.strip()[:150], last_name=last_name.strip()[:150])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    Profile.objects.create(user=user, email_verified_at=timezone.now() if email_verified else None)
    user.groups.add(group)
    return user


def _lock_admin_set() -> None:
    """Serialise every change that can remove an administrator: two admins demoting or
    deactivating each other at once must not both see "another admin remains"."""
    Group.objects.select_for_update().filter(name=Role.TENANT_ADMIN).first()


def _admins_other_than(user: User):
    return User.objects.filter(groups__name=Role.TENANT_ADMIN, is_active=True).exclude(pk=user.pk)


@transaction.atomic
def user_set_role(*, user: User, role: str, actor: User | None = None) -> User:
    _check_role(role)
    _lock_admin_set()
    role_forget(user)  # read the role again under the lock
    if role_of(user) == Role.TENANT_ADMIN and role != Role.TENANT_ADMIN and not _admins_other_than(user).exists():
        raise ValidationError({"role": "An institution needs at least one active administrator."})
    before = role_of(user)
    if user.is_active and _plan_limit_of(role) != _plan_limit_of(before):  # a learner becoming staff, or back
        limit_check(_plan_limit_of(role))
    user.groups.remove(*Group.objects.filter(name__in=ROLE_VALUES))
    user.groups.add(Group.objects.get(name=role))
    role_forget(user)
    audit_log(action="user.role_change", target=user, before={"role": before}, after={"role": role}, actor=actor)
    return user


@transaction.atomic
def user_set_active(*, user: User, active: bool, actor: User | None = None) -> User:
    if not active:
        _lock_admin_set()
        role_forget(user)
        if actor is not None and actor.pk == user.pk:
            raise ValidationError({"is_active": "You cannot deactivate your own account."})
        if role_of(user) == Role.TENANT_ADMIN and not _admins_other_than(user).exists():
            raise ValidationError({"is_active": "An institution needs at least one active administrator."})
    elif not user.is_active:  # coming back takes a place again
        if reason := account_lock_reason(user):  # e.g. an erasure cooling off: cancel it instead
            raise ValidationError({"is_active": reason})
        role_forget(user)
        limit = _plan_limit_of(role_of(user))
        if limit:
            limit_check(limit)
    was_active, user.is_active = user.is_active, active
    user.save(update_fields=["is_active"])
    if not active:  # inactive users are refused anyway; end their sessions and tokens outright
        _tokens_revoke(user=user)
        user_id = user.pk
        transaction.on_commit(lambda: _sessions_end(user_id=user_id))
    audit_log(action="user.activate" if active else "user.deactivate", target=user,
              before={"is_active": was_active}, after={"is_active": active}, actor=actor)
    return user


def _sessions_end(*, user_id: int) -> int:
    """Delete every browser session of `user_id` in this institution, from the database and
    from the session cache (sessions are cached_db: deleting the row alone would leave the
    cached copy signing the user in). Sessions are not indexed by user, so the unexpired ones
    are decoded; this runs only on a sign-out everywhere or a deactivation."""
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from importlib import import_module

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_id):
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended


def _tokens_revoke(*, user: User) -> None:
    """Void every access and refresh token of `user`: bump the epoch the `cred` claim carries
    and blacklist every outstanding refresh token."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    Profile.objects.filter(user=user).update(credentials_epoch=models.F("credentials_epoch") + 1)
    if hasattr(user, "profile"):
        user.profile.refresh_from_db(fields=["credentials_epoch"])
    outstanding = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=row) for row in outstanding], ignore_conflicts=True)


@transaction.atomic
def user_sign_out_everywhere(*, user: User, actor: User | None = None) -> None:
    """End every browser session and every access/refresh token of `user` in this institution."""
    _tokens_revoke(user=user)
    user_id = user.pk
    transaction.on_commit(lambda: _sessions_end(user_id=user_id))
    audit_log(action="user.sign_out_everywhere", target=user, actor=actor or user)


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, time_zone: str | None = None) -> User:
    """Name, and (when given) the time zone pages use for this user ("" = the institution's)."""
    user.first_name = first_name.strip()[:150]
    user.last_name = last_name.strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
    if time_zone is not None:
        profile = Profile.objects.get(user=user)
        if profile.time_zone != time_zone:
            profile.time_zone = time_zone
            profile.full_clean(validate_unique=False, validate_constraints=False)
            profile.save(update_fields=["time_zone"])
            user.profile = profile
            user_time_zone_forget(user_id=user.pk)
    return user


def user_time_zone_forget(*, user_id: int) -> None:
    from .selectors import time_zone_key as _time_zone_key

    cache.delete(_time_zone_key(user_id))
    transaction.on_commit(lambda: cache.delete(_time_zone_key(user_id)))



def _password_reset_message(*, user: User, base_url: str, purpose: str) -> tuple[str, dict]:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = f"{base_url.rstrip('/')}/accounts/reset/{uid}/{token}/"
    event = "password_reset" if purpose == "reset" else "account_created"
    return event, {"user": user, "link": link, "site_name": _site_name()}


def password_reset_send(*, user: User, base_url: str, purpose: str = "reset") -> None:
    """Email a one-time link to choose a password ('reset' or, for imported members, 'welcome'):
    mandatory notifications (always emailed, whatever the person's preferences)."""
    from tenant_apps.notifications.api import notify

    event, context = _password_reset_message(user=user, base_url=base_url, purpose=purpose)
    notify(event, [user], context)


def password_reset_request(*, email: str, base_url: str) -> None:
    """The public "forgot password" form. Members and non-members cost the same: the same
    lookup, token and rendering are done for a stand-in user when the address has no active
    account; only the enqueue on commit differs (a Redis push, after the answer is decided)."""
    from tenant_apps.notifications.api import notify_render

    email = _normalize_email(email)
    user = User.objects.filter(username=email, is_active=True).first()
    if user is not None:
        password_reset_send(user=user, base_url=base_url)
        return
    stand_in = User(pk=0, username=email, email=email, password=_DUMMY_PASSWORD_HASH, last_login=timezone.now())
    event, context = _password_reset_message(user=stand_in, base_url=base_url, purpose="reset")
    notify_render(event, stand_in, context)


# A fixed, valid-looking hash for the stand-in user (never checked against anything).
_DUMMY_PASSWORD_HASH = "pbkdf2_sha256$1$stand-in$" + "A" * 43


def _verify_signer() -> signing.TimestampSigner:
    # The schema is part of the salt: a link made on one institution is void on every other.
    return signing.TimestampSigner(salt=f"{EMAIL_VERIFY_SALT}:{connection.schema_name}")


def email_verification_send(*, user: User, base_url: str) -> None:
    token = _verify_signer().sign(str(user.profile.public_id))
    link = f"{base_url.rstrip('/')}/accounts/verify/{token}/"
    from tenant_apps.notifications.api import notify

    notify("email_verify", [user], {"user": user, "link": link, "site_name": _site_name()})


@transaction.atomic
def email_verify(*, token: str) -> User:
    try:
        public_id = _verify_signer().unsign(token, max_age=timedelta(days=3))
    except signing.BadSignature as exc:
        raise ValidationError("This verification link is invalid or has expired.") from exc
    profile = Profile.objects.select_related("user").filter(public_id=public_id).first()
    if profile is None:
        raise ValidationError("This verification link is invalid or has expired.")
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return profile.user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationRoleChange(Exception):
    """A pending invitation for the address has another role; the caller must confirm the change."""

    def __init__(self, *, email: str, old_role: str, new_role: str):
        self.email, self.old_role, self.new_role = email, old_role, new_role
        super().__init__(
            f"{email} already has a pending invitation as {Role(old_role).label}; inviting again would change "
            f"the role to {Role(new_role).label}. Confirm the role change to send the new invitation."
        )


@transaction.atomic
def invitation_create(*, email: str, role: str, invited_by: User | None, base_url: str,
                      confirm_role_change: bool = False) -> Invitation:
    email = _normalize_email(email)
    _check_role(role)
    if User.objects.filter(username=email).exists():
        raise ValidationError({"email": "This person is already a member."})
    pending = (Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True,
                                         expires_at__gt=timezone.now())
               .exclude(role=role).order_by("-created_at").first())
    if pending is not None and not confirm_role_change:
        raise InvitationRoleChange(email=email, old_role=pending.role, new_role=role)
    limit_check(_plan_limit_of(role))  # refused now rather than when the invitee follows the link
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.filter(email=email, accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email, role=role, token_hash=_hash_token(token), invited_by=invited_by,
        expires_at=timezone.now() + settings.INVITATION_MAX_AGE,
    )
    link = f"{base_url.rstrip('/')}/accounts/invitation/{token}/"
    from tenant_apps.notifications.api import notify  # the invitee has no account yet: an email only

    notify("invitation", [email], {"invitation": invitation, "link": link, "site_name": _site_name(), "inviter": invited_by})
    audit_log(action="invitation.create", target=("accounts.invitation", invitation.pk, email), after={"email": email, "role": role}, actor=invited_by)
    return invitation


def invitation_get_pending(*, token: str) -> Invitation:
    invitation = Invitation.objects.filter(token_hash=_hash_token(token or "")).first()
    if invitation is None or invitation.revoked_at or invitation.accepted_at or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation link is invalid, was already used, or has expired.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str, last_name: str) -> User:
    invitation = invitation_get_pending(token=token)
    Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
    user = user_create(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name,
        role=invitation.role, email_verified=True,  # the link arrived at this address
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_log(action="invitation.accept", target=("accounts.invitation", invitation.pk, invitation.email), after={"role": invitation.role}, actor=user)
    from tenant_apps.notifications.api import notify

    notify("welcome", [user], {}, url="/courses/")
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User | None = None) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(action="invitation.revoke", target=("accounts.invitation", invitation.pk, invitation.email), actor=actor)


def site_initialize(*, display_name: str) -> SiteSettings:
    site, _ = SiteSettings.objects.get_or_create(pk=1, defaults={"display_name": display_name})
    return site


@transaction.atomic
def site_settings_update(*, site: SiteSettings, **fields) -> SiteSettings:
    from .selectors import site_settings_cache_clear

    allowed = {"display_name", "logo", "primary_color", "allow_self_registration", "messaging_learner_to_learner"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown settings: {unknown}")
    before = {name: str(getattr(site, name)) for name in fields}
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save()
    audit_log(action="site_settings.update", target=("accounts.sitesettings", site.pk, site.display_name),
              before=before, after={name: str(getattr(site, name)) for name in fields})
    transaction.on_commit(site_settings_cache_clear)
    return site


# --- administrators managing members ------------------------------------------------------


@transaction.atomic
def user_admin_update(*, user: User, actor: User, role: str | None = None, is_active: bool | None = None) -> User:
    """Change a member's role and/or active flag together: both apply or neither."""
    if role is not None and role != role_of(user):
        user_set_role(user=user, role=role, actor=actor)
    if is_active is not None and is_active != user.is_active:
        user_set_active(user=user, active=is_active, actor=actor)
    return user


def user_password_reset_by_admin(*, user: User, base_url: str) -> None:
    """An administrator sends a member the link to choose a new password."""
    if not user.is_active:
        raise ValidationError("This account is deactivated; reactivate it before sending a password link.")
    password_reset_send(user=user, base_url=base_url)


def invitation_purge_expired(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Delete invitations whose link expired more than `older_than` ago; returns how many."""
    deleted, _ = Invitation.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted


# --- site settings with a logo -------------------------------------------------------------


@transaction.atomic
def site_settings_change(*, logo_upload=None, remove_logo: bool = False, **fields) -> SiteSettings:
    """Save the settings form: checks an uploaded logo by its content, replaces or removes the
    stored file (the old one is deleted once the change is committed)."""
    from django.core.files.base import ContentFile

    from .uploads import logo_upload_read

    site = SiteSettings.objects.select_for_update().filter(pk=1).first()
    if site is None:
        site = site_initialize(display_name=fields.get("display_name") or "EduCrowd")
    old_logo = site.logo.name if site.logo else ""
    if logo_upload is not None:
        try:
            data, extension = logo_upload_read(logo_upload)
        except ValidationError as exc:
            raise ValidationError({"logo": exc.messages}) from exc
        fields["logo"] = ContentFile(data, name=f"logo-{secrets.token_hex(6)}.{extension}")
    elif remove_logo:
        fields["logo"] = ""
    time_zone = fields.pop("time_zone", None)  # kept on the institution (public schema), not on this row
    site = site_settings_update(site=site, **fields)
    if time_zone:
        tenant_time_zone_set(tenant=connection.tenant, time_zone=time_zone)
    if old_logo and old_logo != site.logo.name:
        storage = site.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return site


# --- CSV import of members -----------------------------------------------------------------

IMPORT_BATCH_ROWS = 10  # rows per transaction: progress becomes visible after each batch


@transaction.atomic
def user_import_create(*, upload, created_by: User | None) -> UserImport:
    """Store an uploaded member list and queue its processing once this transaction commits."""
    from django.core.files.base import ContentFile

    from .tasks import user_import_run
    from .uploads import csv_parse, csv_upload_read

    try:
        data = csv_upload_read(upload)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    user_import = UserImport(
        created_by=created_by, original_name=(upload.name or "members.csv")[:255], total_rows=len(csv_parse(data)),
    )
    # The stored name is ours (the storage is tenant-prefixed); the person's file name is only shown.
    user_import.source.save(f"{user_import.public_id}.csv", ContentFile(data), save=False)
    user_import.save()
    import_id = user_import.pk
    transaction.on_commit(lambda: user_import_run.delay(import_id))
    return user_import


def _import_row_problem(row, *, seen: dict[str, int]) -> str | None:
    from django.core.validators import validate_email

    if not row.email:
        return "Email is missing."
    try:
        validate_email(row.email)
    except ValidationError:
        return "Invalid email address."
    if len(row.email) > 150:
        return "Email address is longer than 150 characters."
    role = _import_role(row.role)
    if not role:
        return "Role is missing."
    if role not in ROLE_VALUES:
        return f"Unknown role “{row.role}” (use one of: {', '.join(Role.values)})."
    email = _normalize_email(row.email)
    if email in seen:
        return f"Duplicate of row {seen[email]} in this file."
    if User.objects.filter(username=email).exists():
        return "Already a member."
    return None


def _import_role(value: str) -> str:
    return (value or "").strip().lower().replace(" ", "_").replace("-", "_")


def user_import_process(*, user_import_id: int, base_url: str | None = None) -> UserImport | None:
    """Create the members listed in an import, a batch of rows per transaction.

    Safe to run again: a finished import is left alone, and a re-run resumes after the last
    committed batch (each batch commits its members together with the progress counters), so
    nobody is created twice. Welcome emails go out when their batch commits.
    """
    from .selectors import site_base_url
    from .uploads import csv_parse

    with transaction.atomic():
        user_import = UserImport.objects.select_for_update().filter(pk=user_import_id).first()
        if user_import is None or user_import.is_finished:
            return user_import
        try:
            with user_import.source.open("rb") as handle:
                rows = csv_parse(handle.read())
            base_url = base_url or site_base_url()
        except OSError:
            return _import_finish(user_import, error="The uploaded file could not be read; please upload it again.")
        except ValidationError as exc:
            return _import_finish(user_import, error=exc.messages[0])
        except LookupError as exc:  # no domain to put in the welcome links
            return _import_finish(user_import, error=f"The import could not start: {exc}.")
        user_import.status = UserImport.Status.RUNNING
        user_import.total_rows = len(rows)
        user_import.save(update_fields=["status", "total_rows"])
    # Small files show progress every few rows; big ones commit in about 50 steps.
    batch_size = max(IMPORT_BATCH_ROWS, len(rows) // 50)

    seen: dict[str, int] = {}
    seen_upto = 0
    while True:
        with transaction.atomic():
            user_import = UserImport.objects.select_for_update().get(pk=user_import_id)
            if user_import.is_finished:
                return user_import
            start = user_import.processed_rows
            # Rows before `start` were handled by an earlier run (or a concurrent one): they
            # still count for duplicates within the file.
            for row in rows[seen_upto:start]:
                seen.setdefault(_normalize_email(row.email), row.number)
            batch = rows[start:start + batch_size]
            if not batch:
                return _import_finish(user_import)
            rejected = list(user_import.rejected_rows)
            created = 0
            for row in batch:
                problem = _import_row_problem(row, seen=seen)
                seen.setdefault(_normalize_email(row.email), row.number)
                if problem is None:
                    try:
                        with transaction.atomic():
                            user = user_create(
                                email=row.email, first_name=row.first_name, last_name=row.last_name,
                                role=_import_role(row.role),
                            )
                    except PlanLimitExceeded as exc:  # the row is reported; the rest of the file goes on
                        problem = exc.message
                    except (ValidationError, IntegrityError):  # joined meanwhile
                        problem = "Already a member."
                    else:
                        password_reset_send(user=user, base_url=base_url, purpose="welcome")
                        created += 1
                if problem is not None:
                    rejected.append({"row": row.number, "email": row.email, "reason": problem})
            seen_upto = start + len(batch)
            user_import.processed_rows = seen_upto
            user_import.created_count += created
            user_import.rejected_rows = rejected
            user_import.save(update_fields=["processed_rows", "created_count", "rejected_rows"])


def _import_finish(user_import: UserImport, *, error: str = "") -> UserImport:
    user_import.status = user_import.Status.FAILED if error else user_import.Status.DONE
    user_import.error = error[:500]
    user_import.finished_at = timezone.now()
    user_import.save(update_fields=["status", "error", "finished_at"])
    return user_import


@transaction.atomic
def user_import_fail(*, user_import_id: int, error: str) -> UserImport | None:
    """Mark an unfinished import as failed (the task gave up)."""
    user_import = UserImport.objects.select_for_update().filter(pk=user_import_id).first()
    if user_import is None or user_import.is_finished:
        return user_import
    return _import_finish(user_import, error=error)


# --- erasure (tenant_apps.privacy): lock during the cool-off, and the account's final anonymisation ---

# Reasons an inactive account is locked, asked by the login form after a refused sign-in with the
# right password: fn(user) -> message or None (tenant_apps.privacy registers the erasure cool-off).
_lock_reasons: list = []


def account_lock_reason_register(fn) -> None:
    if fn not in _lock_reasons:
        _lock_reasons.append(fn)


def account_lock_reason(user: User) -> str | None:
    for fn in _lock_reasons:
        if message := fn(user):
            return message
    return None


def user_sessions_end(*, user_id: int) -> int:
    """Delete every browser session of `user_id` now (database and session cache). Re-runnable."""
    return _sessions_end(user_id=user_id)


@transaction.atomic
def user_erasure_lock(*, user: User) -> bool:
    """An erasure was requested: the account cannot sign in (inactive), every session and token
    ends. The last active administrator cannot be locked. -> whether the account was active."""
    _lock_admin_set()
    role_forget(user)
    if user.is_active and role_of(user) == Role.TENANT_ADMIN and not _admins_other_than(user).exists():
        raise ValidationError("An institution needs at least one active administrator: "
                              "name another administrator before this account is erased.")
    was_active = user.is_active
    if was_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    user_sign_out_everywhere(user=user, actor=user)
    return was_active


@transaction.atomic
def user_erasure_unlock(*, user: User, was_active: bool) -> None:
    """The erasure was cancelled: the account is as before (its place on the plan was kept for it)."""
    if was_active and not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])


@transaction.atomic
def user_anonymise(*, user: User, pseudonym: str) -> dict[str, int]:
    """Erasure's last step: the account row stays as a tombstone (payments under legal hold point
    at it) with nothing of the person: `pseudonym` as username, `pseudonym@invalid` as email, no
    names, no usable password, inactive, no role. Re-runnable."""
    user.username, user.email = pseudonym, f"{pseudonym}@invalid"
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    role_forget(user)
    Profile.objects.filter(user=user).update(email_verified_at=None, credentials_epoch=models.F("credentials_epoch") + 1)
    return {"accounts": 1}
