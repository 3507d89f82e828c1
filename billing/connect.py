"""Institutions get paid: their Stripe Connect Express account, onboarding links, and its state.

An administrator starts onboarding from the Billing page: the Express account is created once
per institution (row lock on the tenant + an idempotency key from the tenant id, so a double
click or a retried request never makes two), then an Account Link sends them to Stripe. What
Stripe decides (charges and payouts enabled, what is still due) arrives only by the Connect
webhook `account.updated`; the handler re-reads the account through the gateway, so events
arriving late or out of order leave the row at Stripe's current state. Products ask
`sale_ready_check` before putting a priced course or track on sale.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import schema_context

from tenants.api import Tenant, audit_log

from . import gateway
from .models import ConnectedAccount
from .selectors import connect_account_for
from .webhooks import webhook_handler

DEFAULT_COUNTRY, DEFAULT_CURRENCY = "US", "USD"


class SaleNotReady(ValidationError):
    """A priced course or track cannot go on sale: the institution has no charges-enabled account."""

    code = "payouts_not_ready"


def connect_country_currency(tenant) -> tuple[str, str]:
    """The country and currency the institution is paid in. The tenant carries them once sign-up
    asks for them (one currency per institution); until then, the US and USD."""
    country = (getattr(tenant, "country", "") or DEFAULT_COUNTRY).upper()
    currency = (getattr(tenant, "currency", "") or DEFAULT_CURRENCY).upper()
    return country, currency


def _requirements(remote: dict) -> list[str]:
    requirements = remote.get("requirements") or {}
    due = list(requirements.get("past_due") or []) + list(requirements.get("currently_due") or [])
    return list(dict.fromkeys(str(item)[:200] for item in due))[:50]


def connect_account_ensure(*, tenant, email: str) -> ConnectedAccount:
    """The institution's Express account, created at Stripe on first use only."""
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()  # one creation per institution at a time
        account = ConnectedAccount.objects.filter(tenant_id=tenant.pk).first()
        if account is not None:
            return account
        country, currency = connect_country_currency(tenant)
        remote = gateway.account_create(
            email=email, country=country, currency=currency,
            metadata={"tenant_id": str(tenant.pk), "tenant_schema": tenant.schema_name},
            idempotency=gateway.idempotency_key("tenant", tenant.pk, "connect-account"),
        ).to_dict()
        account = ConnectedAccount.objects.create(
            tenant_id=tenant.pk, stripe_account_id=remote["id"], country=(remote.get("country") or country).upper()[:2],
            charges_enabled=bool(remote.get("charges_enabled")), payouts_enabled=bool(remote.get("payouts_enabled")),
            details_submitted=bool(remote.get("details_submitted")), requirements_due=_requirements(remote),
        )
        audit_log(action="billing.connect_account_create", target=tenant,
                  after={"stripe_account_id": account.stripe_account_id, "country": account.country})
    return account


def connect_onboarding_link(*, account: ConnectedAccount, refresh_url: str, return_url: str) -> str:
    """A fresh Stripe-hosted onboarding URL (links are single-use and expire within minutes)."""
    return gateway.account_link_create(account=account.stripe_account_id, refresh_url=refresh_url,
                                       return_url=return_url).url


def connect_onboarding_start(*, tenant, email: str, refresh_url: str, return_url: str) -> str:
    """Create the account if needed and answer where to send the administrator."""
    account = connect_account_ensure(tenant=tenant, email=email)
    return connect_onboarding_link(account=account, refresh_url=refresh_url, return_url=return_url)


# --- state from webhooks -------------------------------------------------------------------------

def connect_account_sync(account_id: str) -> ConnectedAccount | None:
    """Apply Stripe's current state of one connected account. Re-read under the row lock, so
    neither event order nor two workers racing can leave an older state on the row."""
    with transaction.atomic():
        account = (ConnectedAccount.objects.select_for_update(of=("self",)).select_related("tenant")
                   .filter(stripe_account_id=account_id).first())
        if account is None:
            return None  # not one of ours (or not ours any more): nothing to ask Stripe
        remote = gateway.account_retrieve(account_id).to_dict()
        before = {"charges_enabled": account.charges_enabled, "payouts_enabled": account.payouts_enabled}
        account.charges_enabled = bool(remote.get("charges_enabled"))
        account.payouts_enabled = bool(remote.get("payouts_enabled"))
        account.details_submitted = bool(remote.get("details_submitted"))
        account.requirements_due = _requirements(remote)
        if remote.get("country"):
            account.country = str(remote["country"]).upper()[:2]
        account.save()
        if account.charges_enabled != before["charges_enabled"]:
            # The institution's own audit log: its administrators see when payments were switched on or off.
            with schema_context(account.tenant.schema_name):
                audit_log(action="billing.connect_charges_enabled" if account.charges_enabled
                          else "billing.connect_charges_disabled", target=account.tenant, before=before,
                          after={"charges_enabled": account.charges_enabled, "payouts_enabled": account.payouts_enabled})
    return account


@webhook_handler("account.updated")
def _account_updated(event, remote: dict):
    if event.source != "connect":
        return None  # the platform's own account: nothing of an institution changes
    account_id = event.account or remote.get("id")
    if not account_id:
        return None
    account = connect_account_sync(account_id)
    return account.tenant.schema_name if account else None


# --- what products ask -------------------------------------------------------------------------------

def billing_page_path() -> str:
    try:
        return reverse("billing_manage:billing")
    except NoReverseMatch:  # outside the tenant URLconf (a task, the console)
        return "/manage/billing/"


def sale_ready_check(tenant) -> None:
    """Raise SaleNotReady unless the institution can take payments (a charges-enabled account)."""
    account = connect_account_for(tenant)
    if account is not None and account.charges_enabled:
        return
    status = f" (Stripe says: {account.status_label.lower()})" if account is not None else ""
    raise SaleNotReady(
        f"Connect a Stripe account on the Billing page before selling courses: an administrator can do it at "
        f"{billing_page_path()}{status}. Priced courses and tracks can be published once Stripe has enabled "
        f"payments for the institution; free ones can be published now.",
        code=SaleNotReady.code,
    )


@dataclass(frozen=True)
class ConnectStatus:
    """What the Billing page shows of the institution's Connect account."""

    state: str  # "none" | "onboarding" | "review" | "ready"
    title: str
    account: ConnectedAccount | None = None
    requirements: list[str] = field(default_factory=list)

    @property
    def can_onboard(self) -> bool:
        return self.state != "ready" or bool(self.requirements)

    @property
    def button_label(self) -> str:
        if self.state == "none":
            return "Connect with Stripe"
        return "Continue onboarding" if self.state != "ready" else "Update details with Stripe"


def _requirement_label(key: str) -> str:
    return key.replace(".", " › ").replace("_", " ")


def connect_status(tenant) -> ConnectStatus:
    account = connect_account_for(tenant)
    if account is None:
        return ConnectStatus("none", "Not connected")
    requirements = [_requirement_label(r) for r in account.requirements_due]
    if account.charges_enabled:
        return ConnectStatus("ready", "Ready", account, requirements)
    if account.details_submitted:
        return ConnectStatus("review", "Under review", account, requirements)
    return ConnectStatus("onboarding", "Onboarding not finished", account, requirements)
