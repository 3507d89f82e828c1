"""Consent: who accepted which policy version (and from where), the check a signed-in person passes
before they continue, and the optional consents (marketing email, analytics) the mailer honours."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from tenants.api import audit_log, client_ip, tenant_branding

from .models_policies import ConsentChoice, ConsentRecord, PolicyDocument
from .policies import policy_state

USER_CACHE_SECONDS = 600
PURPOSES = tuple(ConsentChoice.Purpose.values)


def branding_name() -> str:
    try:
        return tenant_branding().get("name") or ""
    except Exception:  # noqa: BLE001 - no site settings (template schema)
        return ""


def _request_facts(request) -> dict:
    if request is None:
        return {"ip": None, "user_agent": ""}
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:512]}


def _user_key(user_id: int, token: str) -> str:
    return f"privacy:consent-ok:v1:{user_id}:{token}"  # tenant-prefixed by the cache key function


# --- policy consents ------------------------------------------------------------------------------

@transaction.atomic
def consent_accept(*, user: User, documents: list[PolicyDocument], source: str, request=None) -> list[ConsentRecord]:
    """Record that `user` accepted each of `documents` (published versions). Accepting again is a no-op."""
    facts, now, out = _request_facts(request), timezone.now(), []
    for document in documents:
        if not document.is_published:
            raise ValueError("only published versions can be accepted")
        try:
            with transaction.atomic():
                record, _ = ConsentRecord.objects.get_or_create(
                    user=user, document=document, defaults={"accepted_at": now, "source": source, **facts})
        except IntegrityError:  # a concurrent accept of the same version
            record = ConsentRecord.objects.get(user=user, document=document)
        out.append(record)
    # now (this request reads it next) and after commit (a concurrent request may have cached the old answer)
    consent_forget(user_id=user.pk)
    transaction.on_commit(lambda: consent_forget(user_id=user.pk))
    return out


def consent_accept_current(*, user: User, source: str, request=None) -> list[ConsentRecord]:
    """Sign-up and invitation: the person ticked "I accept" for the versions in effect now."""
    from .policies import policy_current_all

    return consent_accept(user=user, documents=policy_current_all(), source=source, request=request)


def consent_forget(*, user_id: int) -> None:
    cache.delete(_user_key(user_id, policy_state()["token"]))


def consent_missing(*, user: User | None = None, user_id: int | None = None) -> list[dict]:
    """The current versions `user` must accept before continuing (state dicts of policy_state);
    empty when nothing is asked. Cached per person and policy state: one cache read per request,
    one indexed query when the state or the person's answer changed."""
    user_id = user.pk if user is not None else user_id
    if connection.schema_name == "public" or user_id is None:
        return []
    state = policy_state()
    if not state["required"]:
        return []
    key = _user_key(user_id, state["token"])
    cached = cache.get(key)
    if cached is not None:
        return cached
    accepted = dict(ConsentRecord.objects.filter(user_id=user_id).values("document__kind")
                    .annotate(v=Max("document__version")).values_list("document__kind", "v"))
    missing = [doc for doc in state["current"]
               if doc["kind"] in state["required"] and (accepted.get(doc["kind"]) or 0) < state["required"][doc["kind"]]]
    cache.set(key, missing, USER_CACHE_SECONDS)
    return missing


def consent_history(*, user: User) -> QuerySet[ConsentRecord]:
    return ConsentRecord.objects.filter(user=user).select_related("document").order_by("-accepted_at", "-id")


def consent_records_for_export() -> QuerySet[ConsentRecord]:
    """Every consent record of the institution, for the admins' CSV."""
    return (ConsentRecord.objects.select_related("user", "document").order_by("accepted_at", "id"))


# --- optional consents ----------------------------------------------------------------------------

def choices_current(*, user: User) -> dict[str, bool]:
    """{purpose: granted}; no answer counts as not granted (opt-in)."""
    out = dict.fromkeys(PURPOSES, False)
    for purpose in PURPOSES:
        latest = ConsentChoice.objects.filter(user=user, purpose=purpose).order_by("-changed_at", "-id").first()
        if latest is not None:
            out[purpose] = latest.granted
    return out


@transaction.atomic
def choices_update(*, user: User, request=None, **granted: bool) -> dict[str, bool]:
    """Set optional consents (`marketing_email=True`, `analytics=False`); a row per actual change."""
    unknown = set(granted) - set(PURPOSES)
    if unknown:
        raise ValueError(f"unknown purposes: {sorted(unknown)}")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one change at a time per person
    now, facts, before = timezone.now(), _request_facts(request), choices_current(user=user)
    for purpose, value in granted.items():
        if value is None or before[purpose] == bool(value):
            continue
        ConsentChoice.objects.create(user=user, purpose=purpose, granted=bool(value), changed_at=now, **facts)
    after = choices_current(user=user)
    if after != before:
        audit_log(action="privacy.choices_change", target=user, actor=user, before=before, after=after)
    return after


def marketing_recipients(addresses: list[str]) -> list[str]:
    """settings.MAIL_CONSENT_FILTER: of `addresses`, those of active members of the current
    institution whose latest marketing-email choice is "yes". Anywhere else (public schema): none."""
    if connection.schema_name == "public" or not addresses:
        return []
    latest = (ConsentChoice.objects.filter(user=OuterRef("pk"), purpose=ConsentChoice.Purpose.MARKETING_EMAIL)
              .order_by("-changed_at", "-id").values("granted")[:1])
    wanted = {a.strip().lower() for a in addresses}
    consenting = set(User.objects.filter(is_active=True).annotate(address=Lower("email"), marketing=Subquery(latest))
                     .filter(address__in=wanted, marketing=True).values_list("address", flat=True))
    return [a for a in addresses if a.strip().lower() in consenting]
