"""Plan limits where they bite: the one check products call before adding something the plan caps.

`limit_check("learners")` before a new learner, `limit_check("staff")` before a new staff seat,
`limit_check("courses")` before a course, `limit_check("storage", adding=bytes)` before every
stored file (registered with the tenancy core's storage, see BillingConfig.ready), and
`feature_check("custom_domain")` / `feature_check("api_access")` for plan features. A refusal
is a `PlanLimitExceeded` (a django ValidationError carrying `limit`, `code` and `upgrade_url`):
pages show it as a form error, the API answers 402 (limit) or 403 (feature).

Which plan: the subscription's (trialing and past_due keep it), the free plan once canceled
(`subscription_effective_plan`), none without a subscription or plan (then nothing is limited).
Only additions are refused: what is already over a limit (after a downgrade) stays listed and
usable; `limit_check(..., adding=0)` asks "is the institution over the limit right now?"
(new enrollments are refused then). Counts are read when asked, so two additions racing at the
last free place can both pass; the callers serialise where it matters (accounts locks the role).
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from tenants.api import (
    FEATURE_REQUIRED,
    LIMIT_REACHED,
    PlanLimitExceeded,
    Tenant,
    audit_log,
    notify,
    tenant_admin_check,
    tenant_storage_used,
    tenant_usage_count,
)

from .models import Plan
from .subscriptions import subscription_effective_plan

logger = logging.getLogger(__name__)

LIMITS = ("learners", "staff", "courses", "storage")
# What each limit counts (a usage counter registered with the tenancy core) and the plan field capping it.
_PLAN_FIELD = {"learners": "max_learners", "staff": "max_staff", "courses": "max_courses"}
_NOUN = {"learners": ("learner", "learners"), "staff": ("staff seat", "staff seats"), "courses": ("course", "courses")}
_PLURAL_FEATURES = {"crowdfunding", "custom_domain", "certificates"}  # Plan.FEATURES labels in the plural
NOTIFY_EVERY_SECONDS = 24 * 3600


def billing_page_path() -> str:
    try:
        return reverse("billing_manage:billing", urlconf=settings.ROOT_URLCONF)
    except NoReverseMatch:  # pragma: no cover - the tenant URLconf always has it
        return "/manage/billing/"


def _current_tenant(tenant=None):
    """The institution to check: the one given, or the active schema's (None on the public schema)."""
    if tenant is not None:
        return tenant
    schema = connection.schema_name
    if schema == settings.PUBLIC_SCHEMA_NAME:
        return None
    current = getattr(connection, "tenant", None)
    if isinstance(current, Tenant) and current.pk and current.schema_name == schema:
        return current
    # schema_context() (tasks, tests) sets a stand-in without a primary key.
    return Tenant.objects.filter(schema_name=schema).first()


def plan_for_limits(*, tenant=None) -> Plan | None:
    tenant = _current_tenant(tenant)
    return subscription_effective_plan(tenant=tenant) if tenant is not None else None


def limit_maximum(plan: Plan, limit: str) -> int | None:
    if limit == "storage":
        return plan.storage_mb * 1024 * 1024
    return getattr(plan, _PLAN_FIELD[limit])


def limit_usage(limit: str) -> int:
    """How much of `limit` the active institution uses now."""
    if limit == "storage":
        return tenant_storage_used()
    used = tenant_usage_count(limit)
    return used or 0


def _refusal(limit: str, plan: Plan, *, maximum: int, used: int, adding: int) -> PlanLimitExceeded:
    if limit == "storage":
        message = (f"This file ({filesizeformat(adding)}) does not fit: the {plan.name} plan includes "
                   f"{filesizeformat(maximum)} of files and {filesizeformat(used)} are used. "
                   "Upgrade the plan or remove files to make room.")
    else:
        one, many = _NOUN[limit]
        if adding == 0:
            message = (f"This site has {used} {many if used != 1 else one}, more than the {plan.name} plan includes "
                       f"({maximum}); new enrollments are paused until the plan is upgraded.")
        else:
            message = (f"The {plan.name} plan includes {maximum} {many if maximum != 1 else one} and this site has "
                       f"{used}; upgrade the plan to add more.")
    return PlanLimitExceeded(message, limit=limit, code=LIMIT_REACHED, upgrade_url=billing_page_path(),
                             plan_name=plan.name)


def limit_check(limit: str, *, adding: int = 1, tenant=None) -> None:
    """Raise PlanLimitExceeded if the plan does not allow `adding` more of `limit` (usage + adding > maximum)."""
    if limit not in LIMITS:
        raise ValueError(f"unknown plan limit {limit!r}")
    plan = plan_for_limits(tenant=tenant)
    if plan is None:
        return
    maximum = limit_maximum(plan, limit)
    if maximum is None:
        return
    used = limit_usage(limit)
    if used + adding > maximum:
        raise _refusal(limit, plan, maximum=maximum, used=used, adding=adding)


def feature_check(feature: str, *, tenant=None) -> None:
    """Raise PlanLimitExceeded (code plan_feature_required) if the plan lacks `feature`."""
    if feature not in Plan.FEATURES:
        raise ValueError(f"unknown plan feature {feature!r}")
    plan = plan_for_limits(tenant=tenant)
    if plan is None or plan.has_feature(feature):
        return
    label = Plan.FEATURES[feature]
    plural = feature in _PLURAL_FEATURES
    raise PlanLimitExceeded(
        f"{label} {'are' if plural else 'is'} not included in the {plan.name} plan; "
        f"upgrade the plan to use {'them' if plural else 'it'}.",
        limit=feature, code=FEATURE_REQUIRED, upgrade_url=billing_page_path(), plan_name=plan.name,
    )


PLAN_FEATURES_CACHE_SECONDS = 60


def plan_feature_enabled(feature: str) -> bool:
    """Does the active institution's plan include `feature`? For what pages show (e.g. the
    "Powered by EduCrowd" footer); cached a minute per institution (the cache key is tenant-prefixed)."""
    if feature not in Plan.FEATURES:
        raise ValueError(f"unknown plan feature {feature!r}")
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return False
    features = cache.get("plan-features:v1")
    if features is None:
        plan = plan_for_limits()
        features = sorted(key for key in Plan.FEATURES if plan is not None and plan.has_feature(key))
        cache.set("plan-features:v1", features, PLAN_FEATURES_CACHE_SECONDS)
    return feature in features


def storage_check(adding: int) -> None:
    """The tenancy core's storage check (registered in BillingConfig.ready): every stored file."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return
    limit_check("storage", adding=adding)


# --- telling people ---------------------------------------------------------------------------

_PLAIN = {
    "learners": "This site cannot take new learners right now",
    "staff": "This site cannot take new staff members right now",
    "courses": "This site cannot add courses right now",
    "storage": "This site cannot store more files right now",
}
LEARNER_REFUSAL = f"{_PLAIN['learners']}; its administrators have been told."


def limit_refusal_plain(exc: PlanLimitExceeded) -> str:
    """The refusal as told to someone who cannot change the plan (a learner, a newcomer)."""
    return f"{_PLAIN.get(exc.limit, 'This is not available on this site right now')}; its administrators have been told."


def limit_refusal_html(exc: PlanLimitExceeded, *, user=None, what: str = "") -> str:
    """The refusal for a page. Administrators get the message and a link to the Billing page;
    anyone else a plain sentence, and the administrators are told (limit_refusal_notify)."""
    if user is not None and tenant_admin_check(user):
        return format_html('{} <a href="{}">Change plan on the Billing page</a>.', exc.message, exc.upgrade_url)
    limit_refusal_notify(exc, what=what or (f"by {user.email}" if getattr(user, "email", "") else ""))
    return limit_refusal_plain(exc)


def limit_refusal_notify(exc: PlanLimitExceeded, *, what: str = "") -> None:
    """Tell the institution's administrators that someone was turned away by a limit: an audit
    entry every time, an email at most once a day per limit. Call it outside the transaction that
    the refusal rolled back (or the email, sent on commit, is dropped with it)."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return
    audit_log(action="plan.limit_refused", target=("billing.plan", exc.limit, exc.plan_name or "plan"),
              after={"limit": exc.limit, "what": what[:200], "message": exc.message[:500]})
    if not cache.add(f"plan-limit-notified:{exc.limit}", 1, NOTIFY_EVERY_SECONDS):
        return
    from django.contrib.auth.models import User

    # The administrators' group is named by the accounts app's Role.TENANT_ADMIN (as tenants.activation reads it).
    admins = list(User.objects.filter(is_active=True, groups__name="tenant_admin"))
    if not admins:
        return
    try:
        notify("plan_limit_reached", admins, {
            "message": exc.message, "what": what, "plan_name": exc.plan_name, "upgrade_url": exc.upgrade_url,
            "limit": exc.limit,
        }, url=billing_page_path())
    except Exception:  # noqa: BLE001 - telling admins must never turn the refusal into a 500
        logger.exception("could not tell the administrators of %s about a plan limit", connection.schema_name)
