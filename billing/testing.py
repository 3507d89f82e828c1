"""Test plumbing for billing: the fake Stripe plugged in at stripe-python's HTTP-client seam,
and webhooks delivered as payloads signed exactly as Stripe signs them."""
from __future__ import annotations

import json
import time

import pytest
import stripe
from django.conf import settings

from . import gateway
from .stripe_fake import FakeStripe, FakeStripeHTTPClient


@pytest.fixture
def stripe_fake():
    fake = FakeStripe(hosted_base_url="https://simulator.test")
    gateway.http_client_use(FakeStripeHTTPClient(fake))
    yield fake
    gateway.http_client_use(None)


def signature_header(payload: str, *, source: str = "platform", timestamp: int | None = None,
                     secret: str | None = None) -> str:
    if secret is None:
        secret = settings.STRIPE_CONNECT_WEBHOOK_SECRET if source == "connect" else settings.STRIPE_WEBHOOK_SECRET
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp or int(time.time()))


def webhook_url(source: str = "platform") -> str:
    return "/billing/webhooks/stripe-connect/" if source == "connect" else "/billing/webhooks/stripe/"


def webhook_post(client, event: dict, *, source: str | None = None, **signing):
    """POST `event` to our endpoint (the public host) as Stripe would."""
    source = source or ("connect" if event.get("account") else "platform")
    payload = json.dumps(event)
    return client.post(webhook_url(source), data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=signature_header(payload, source=source, **signing))


def connected_account_make(tenant, *, ready: bool = True, stripe_account_id: str | None = None):
    """A Connect account row for `tenant`, as if Stripe had finished (or not) onboarding it."""
    from .models import ConnectedAccount

    account, _ = ConnectedAccount.objects.update_or_create(tenant=tenant, defaults={
        "stripe_account_id": stripe_account_id or f"acct_test_{tenant.slug}", "charges_enabled": ready,
        "payouts_enabled": ready, "details_submitted": ready, "requirements_due": [] if ready else ["external_account"],
    })
    return account


@pytest.fixture
def payouts_ready(site_a):
    """Institution A can sell: priced courses publish (tests about catalogs and enrollments, not Connect)."""
    return connected_account_make(site_a.tenant)
