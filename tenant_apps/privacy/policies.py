"""Policy documents: the platform's defaults as version 1, drafts, publishing (numbered, with an
effective date, immutable afterwards), the current versions, and the "new policy version" email."""
from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.api import Tenant, audit_log, render_markdown, site_url_for_tenant

from .models_policies import PolicyDocument

KINDS = tuple(PolicyDocument.Kind.values)
STATE_CACHE_KEY = "privacy:policy-state:v1"  # tenant-prefixed by the cache key function
STATE_CACHE_SECONDS = 300


class PolicyImmutable(Exception):
    """A published version was asked to change."""


# --- defaults ------------------------------------------------------------------------------------

def policy_defaults_ensure(*, institution: str) -> list[PolicyDocument]:
    """Version 1 of each kind from the platform's defaults (templates/privacy/defaults/), where the
    institution has no version of that kind yet. Re-runnable."""
    now = timezone.now()
    made = []
    for kind in KINDS:
        if PolicyDocument.objects.filter(kind=kind, published_at__isnull=False).exists():
            continue
        made.append(PolicyDocument.objects.create(
            kind=kind, version=1, title=PolicyDocument.Kind(kind).label,
            body=render_to_string(f"privacy/defaults/{kind}.md", {"institution": institution}).strip(),
            summary="First version.", reconsent=False, platform_default=True,
            effective_at=now, published_at=now, announced_at=now,  # nothing to announce: nobody accepted before
        ))
    if made:
        policy_state_forget()
    return made


def bootstrap_policies(bootstrap) -> None:
    """Bootstrap step (settings.TENANT_BOOTSTRAP_STEPS): a new institution starts with the defaults."""
    policy_defaults_ensure(institution=bootstrap.tenant.name)


# --- reads ---------------------------------------------------------------------------------------

def policy_current(*, kind: str, now: datetime | None = None) -> PolicyDocument | None:
    """The version of `kind` in effect now: the published one that took effect last."""
    return (PolicyDocument.objects.filter(kind=kind, published_at__isnull=False, effective_at__lte=now or timezone.now())
            .order_by("-effective_at", "-version").first())


def policy_current_all() -> list[PolicyDocument]:
    return [doc for kind in KINDS if (doc := policy_current(kind=kind)) is not None]


def policy_history(*, kind: str) -> QuerySet[PolicyDocument]:
    """Published versions of `kind` that took effect, or will: newest first."""
    return PolicyDocument.objects.filter(kind=kind, published_at__isnull=False).order_by("-version")


def policy_get_published(*, kind: str, version: int) -> PolicyDocument | None:
    return PolicyDocument.objects.filter(kind=kind, version=version, published_at__isnull=False).first()


def policy_list_for_staff() -> QuerySet[PolicyDocument]:
    """Every version and draft, with how many people accepted each."""
    return (PolicyDocument.objects.annotate(accepted=Count("consents__user", distinct=True))
            .select_related("created_by").order_by("kind", "published_at", "-version", "-created_at"))


def policy_acceptance_rows() -> list[dict]:
    """Published versions with accepted users / active users (the acceptance rate per version)."""
    active = User.objects.filter(is_active=True).count()
    out = []
    for doc in (PolicyDocument.objects.filter(published_at__isnull=False).order_by("kind", "-version")
                .annotate(accepted=Count("consents__user", filter=Q(consents__user__is_active=True), distinct=True))):
        out.append({"document": doc, "accepted": doc.accepted, "active": active,
                    "rate": (doc.accepted / active) if active else 0.0})
    return out


def render_policy(document: PolicyDocument):
    """The document's Markdown as sanitised HTML; the page owns the <h1>."""
    return render_markdown(document.body, min_heading=2)


# --- the state the consent check reads, cached per institution ------------------------------------

def policy_state() -> dict:
    """{"token", "current": [{id, public_id, kind, version, title, summary, effective_at}], "required":
    {kind: version}}: the current versions, and per kind the lowest version a person must have
    accepted (the latest material change in effect). Cached until the next scheduled version."""
    state = cache.get(STATE_CACHE_KEY)
    if state is not None:
        return state
    now = timezone.now()
    current, required = [], {}
    for kind in KINDS:
        doc = policy_current(kind=kind, now=now)
        if doc is None:
            continue
        current.append({"id": doc.pk, "public_id": str(doc.public_id), "kind": kind, "version": doc.version,
                        "title": doc.title, "summary": doc.summary, "effective_at": doc.effective_at.isoformat()})
        latest_material = (PolicyDocument.objects.filter(kind=kind, published_at__isnull=False, reconsent=True,
                                                         effective_at__lte=now)
                           .aggregate(v=Max("version"))["v"])
        if latest_material:
            required[kind] = latest_material
    token = "-".join(f"{d['kind']}{d['version']}r{required.get(d['kind'], 0)}" for d in current) or "none"
    state = {"token": token, "current": current, "required": required}
    upcoming = (PolicyDocument.objects.filter(published_at__isnull=False, effective_at__gt=now)
                .order_by("effective_at").values_list("effective_at", flat=True).first())
    timeout = STATE_CACHE_SECONDS
    if upcoming is not None:
        timeout = max(1, min(timeout, int((upcoming - now).total_seconds()) + 1))
    cache.set(STATE_CACHE_KEY, state, timeout)
    return state


def policy_state_forget() -> None:
    transaction.on_commit(lambda: cache.delete(STATE_CACHE_KEY))
    cache.delete(STATE_CACHE_KEY)


# --- writes --------------------------------------------------------------------------------------

@transaction.atomic
def policy_draft_create(*, kind: str, title: str, body: str, summary: str, reconsent: bool = True,
                        created_by: User | None) -> PolicyDocument:
    if kind not in KINDS:
        raise ValidationError({"kind": "Choose the privacy policy or the terms of use."})
    return PolicyDocument.objects.create(kind=kind, title=title.strip(), body=body, summary=summary.strip(),
                                         reconsent=reconsent, created_by=created_by)


@transaction.atomic
def policy_draft_update(*, document: PolicyDocument, title: str, body: str, summary: str,
                        reconsent: bool) -> PolicyDocument:
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_published:
        raise PolicyImmutable("A published version cannot change; write a new draft instead.")
    document.title, document.body, document.summary, document.reconsent = title.strip(), body, summary.strip(), reconsent
    document.save(update_fields=["title", "body", "summary", "reconsent", "updated_at"])
    return document


@transaction.atomic
def policy_publish(*, document: PolicyDocument, effective_at: datetime | None, actor: User | None) -> PolicyDocument:
    """Number the draft (next version of its kind) and fix its effective date: now (None) or later,
    never before a version already published (numbers and dates agree)."""
    now = timezone.now()
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_published:
        raise PolicyImmutable("This version is already published.")
    effective_at = effective_at or now
    if effective_at < now - timedelta(minutes=5):
        raise ValidationError({"effective_at": "The effective date cannot be in the past."})
    effective_at = max(effective_at, now)
    # one publisher per kind at a time: the numbering reads the latest version
    list(PolicyDocument.objects.select_for_update().filter(kind=document.kind, published_at__isnull=False).values("pk"))
    latest = (PolicyDocument.objects.filter(kind=document.kind, published_at__isnull=False)
              .order_by("-version").first())
    if latest is not None and latest.effective_at > effective_at:
        raise ValidationError({"effective_at": f"Version {latest.version} takes effect on "
                                               f"{latest.effective_at:%Y-%m-%d %H:%M}; this one cannot take effect earlier."})
    document.version = (latest.version if latest else 0) + 1
    document.effective_at, document.published_at = effective_at, now
    document.save(update_fields=["version", "effective_at", "published_at", "updated_at"])
    audit_log(action="privacy.policy_publish", target=document, actor=actor,
              after={"kind": document.kind, "version": document.version, "effective_at": effective_at.isoformat(),
                     "reconsent": document.reconsent})
    policy_state_forget()
    return document


@transaction.atomic
def policy_draft_delete(*, document: PolicyDocument) -> None:
    document = PolicyDocument.objects.select_for_update().get(pk=document.pk)
    if document.is_published:
        raise PolicyImmutable("A published version cannot be deleted.")
    document.delete()


# --- "new policy version" email ------------------------------------------------------------------

def policy_announce_due(*, base_url: str | None = None) -> int:
    """Email every active member about each published version whose effective date has passed and
    that was not announced yet. Each version is claimed by one UPDATE (announced_at IS NULL), so a
    rerun or a second worker sends nothing twice. -> versions announced."""
    now = timezone.now()
    announced = 0
    due = list(PolicyDocument.objects.filter(published_at__isnull=False, effective_at__lte=now, announced_at__isnull=True)
               .order_by("effective_at").values_list("pk", flat=True))
    for pk in due:
        with transaction.atomic():
            claimed = PolicyDocument.objects.filter(pk=pk, announced_at__isnull=True).update(announced_at=now)
            if not claimed:
                continue
            document = PolicyDocument.objects.get(pk=pk)
            _announce(document, base_url=base_url)
            announced += 1
    if announced:
        cache.delete(STATE_CACHE_KEY)
    return announced


def _announce(document: PolicyDocument, *, base_url: str | None) -> None:
    from django.db import connection

    from .consent import branding_name

    site = (base_url or _site_url()).rstrip("/")
    page = f"{site}/privacy/{'policy' if document.kind == 'privacy' else 'terms'}"
    context = {"document": document, "site_name": branding_name(), "page_url": page,
               "consent_url": f"{site}/privacy/consent", "schema": connection.schema_name}
    from tenant_apps.notifications.api import notify  # a service message: mandatory, one email each

    people = list(User.objects.filter(is_active=True).exclude(email="").order_by("pk").values_list("pk", flat=True))
    notify("policy_new_version", people, context, url=page.removeprefix(site) or "/")


def _site_url() -> str:
    from django.db import connection

    tenant = Tenant.objects.filter(schema_name=connection.schema_name).first()
    return site_url_for_tenant(tenant) if tenant is not None else ""

