"""Settlement with a real worker that is SIGKILLed mid-run and started again: every pledge of
the campaign is charged exactly once (Stripe = the payment simulator process, the project's
fake Stripe over loopback; the worker is this test's own, on the "settlement" queue)."""
from __future__ import annotations

import secrets
import time
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

PLEDGES = 60


def _http_json(url: str) -> dict:
    import json

    request = urllib.request.Request(url, headers={"Authorization": "Bearer sk_test_simulator"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _saved_card(simulator: str, email: str) -> tuple[str, str]:
    from billing import gateway

    customer = gateway.customer_create(email=email, name=email, metadata={}, idempotency=f"cus-{email}")
    session = gateway.checkout_session_create(params={
        "mode": "setup", "customer": customer.id, "success_url": "http://localhost/ok", "cancel_url": "http://localhost/no",
    }, idempotency=f"setup-{email}")
    body = urllib.parse.urlencode({"card": "4242424242424242"}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(f"{simulator}/checkout/{session.id}/", data=body), timeout=10)
    except urllib.error.HTTPError as exc:  # the 303 to localhost/ok may not be followable
        assert exc.code in (303, 404), exc
    except urllib.error.URLError:
        pass  # the redirect target (localhost/ok) does not answer: the card is saved already
    setup_id = gateway.checkout_session_retrieve(session.id).setup_intent
    return customer.id, gateway.setup_intent_retrieve(setup_id).payment_method


@pytest.fixture
def campaign_with_pledges(committed_db, payment_simulator):
    from billing.models import ConnectedAccount
    from crowdfunding.models import Campaign, Pledge
    from tenant_apps.accounts.services import user_create
    from tenants.models import Tenant

    tenant = Tenant.objects.get(slug="acme")
    tag = secrets.token_hex(3)
    simulator_settings = override_settings(STRIPE_SECRET_KEY="", DEBUG=True, STRIPE_SIMULATOR_URL=payment_simulator)
    simulator_settings.enable()
    ConnectedAccount.objects.update_or_create(tenant=tenant, defaults=dict(
        stripe_account_id=f"acct_settle{tag}", charges_enabled=True, payouts_enabled=True, details_submitted=True))
    with tenant_context(tenant):
        backers = [user_create(email=f"backer{i}-{tag}@acme.test", password=None, role="learner") for i in range(PLEDGES)]
        campaign = Campaign.objects.create(
            slug=f"settle-{tag}", title=f"Settle {tag}", pitch="A campaign settled in a test", goal_amount=PLEDGES * 500,
            currency="USD", deadline=timezone.now() - timedelta(minutes=1), state=Campaign.State.LIVE)
        for backer in backers:
            customer, method = _saved_card(payment_simulator, backer.email)
            Pledge.objects.create(campaign=campaign, backer=backer, amount=1000, currency="USD", status=Pledge.Status.ACTIVE,
                                  stripe_customer_id=customer, stripe_payment_method_id=method)
    connection.set_schema_to_public()
    yield tenant, campaign
    from billing.commerce.models import LedgerEntry, LedgerTransaction, Order

    with tenant_context(tenant):
        refs = list(campaign.pledges.values_list("stripe_payment_intent_id", flat=True))
        LedgerEntry.objects.filter(transaction__reference__in=refs).delete()
        LedgerTransaction.objects.filter(reference__in=refs).delete()
        Order.objects.filter(buyer__in=backers).delete()
        campaign.pledges.all().delete()
        Campaign.objects.filter(pk=campaign.pk).delete()
        User.objects.filter(pk__in=[b.pk for b in backers]).delete()
    connection.set_schema_to_public()
    ConnectedAccount.objects.filter(tenant=tenant).delete()
    simulator_settings.disable()


def _collected(tenant, campaign) -> int:
    from crowdfunding.models import Pledge

    with tenant_context(tenant):
        n = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.COLLECTED).count()
    connection.set_schema_to_public()
    return n


def test_killing_the_worker_mid_settlement_charges_every_pledge_exactly_once(campaign_with_pledges, worker_process,
                                                                               payment_simulator):
    from crowdfunding.models import Campaign, Pledge
    from crowdfunding.settlement import campaign_close, settlement_run

    tenant, campaign = campaign_with_pledges
    worker = worker_process("settlement", name="settle")
    with tenant_context(tenant):
        assert campaign_close(campaign_id=campaign.pk) == Campaign.State.SUCCESSFUL  # enqueues the run on commit
    connection.set_schema_to_public()
    deadline = time.monotonic() + 90
    while _collected(tenant, campaign) < 5:
        assert time.monotonic() < deadline, "the worker did not start charging"
        time.sleep(0.02)
    worker.kill()
    after_kill = _collected(tenant, campaign)
    assert 5 <= after_kill < PLEDGES, f"killed too late to prove anything ({after_kill} collected)"

    worker_process("settlement", name="settle-again")
    with tenant_context(tenant):
        settlement_run.delay(campaign.pk)  # what the beat sweep does for an unfinished settlement
    connection.set_schema_to_public()
    deadline = time.monotonic() + 120
    while True:
        with tenant_context(tenant):
            state = Campaign.objects.get(pk=campaign.pk).state
        connection.set_schema_to_public()
        if state == Campaign.State.SETTLED:
            break
        assert time.monotonic() < deadline, f"settlement did not finish ({_collected(tenant, campaign)} collected)"
        time.sleep(0.2)

    from billing.commerce.models import LedgerTransaction

    with tenant_context(tenant):
        pledges = list(Pledge.objects.filter(campaign=campaign))
        intents = {p.stripe_payment_intent_id for p in pledges}
        assert [p.status for p in pledges] == [Pledge.Status.COLLECTED] * PLEDGES
        assert len(intents) == PLEDGES and "" not in intents
        assert LedgerTransaction.objects.filter(kind="charge", reference__in=intents).count() == PLEDGES
    connection.set_schema_to_public()
    charges = [c for c in _http_json(f"{payment_simulator}/v1/charges")["data"] if c["payment_intent"] in intents]
    assert len(charges) == PLEDGES  # Stripe (the simulator) charged each pledge once: none twice, none missed
