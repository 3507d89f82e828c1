"""Settlement at the deadline (in-process, fake Stripe at the HTTP-client seam): all or nothing,
each pledge charged once, declined and authentication-required cards, reminders, the on-session
payment of a pledge that needed its holder."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from billing import gateway
from billing.commerce import ledger
from billing.commerce.models import LedgerTransaction
from billing.stripe_fake import CARD_DECLINED, CARD_REQUIRES_AUTH, CARD_SUCCEEDS
from billing.testing import connected_account_make
from crowdfunding import settlement
from crowdfunding.models import Campaign, Pledge

pytestmark = pytest.mark.django_db


def _saved_card(fake, card: str, email: str) -> tuple[str, str]:
    customer = gateway.customer_create(email=email, name=email, metadata={}, idempotency=f"cus-{email}")
    session = gateway.checkout_session_create(params={
        "mode": "setup", "customer": customer.id, "success_url": "https://acme/ok", "cancel_url": "https://acme/no"},
        idempotency=f"setup-{email}")
    assert fake.checkout_pay(session.id, card)["outcome"] == "succeeded"
    return customer.id, gateway.setup_intent_retrieve(gateway.checkout_session_retrieve(session.id).setup_intent).payment_method


@pytest.fixture
def campaign(site_a, stripe_fake):
    connected_account_make(site_a.tenant)

    def make(cards_and_amounts, goal=3000, slug="wells"):
        backers = [site_a.make_user("learner") for _ in cards_and_amounts]
        with site_a:
            made = Campaign.objects.create(slug=slug, title="Clean wells", pitch="Water for every classroom", goal_amount=goal,
                                           currency="USD", deadline=timezone.now() + timedelta(days=3),
                                           state=Campaign.State.LIVE)
            for backer, (card, amount) in zip(backers, cards_and_amounts):
                customer, method = _saved_card(stripe_fake, card, backer.email)
                Pledge.objects.create(campaign=made, backer=backer, amount=amount, currency="USD",
                                      status=Pledge.Status.ACTIVE, stripe_customer_id=customer,
                                      stripe_payment_method_id=method)
            Campaign.objects.filter(pk=made.pk).update(deadline=timezone.now() - timedelta(seconds=1))
        return made
    return make


def _settle(site, campaign, django_capture_on_commit_callbacks):
    with site, django_capture_on_commit_callbacks(execute=False):
        closed = settlement.campaigns_close_due()
        settlement.settlement_run.run(campaign.pk, inline=True)  # what the workers run (enqueued on commit)
    return closed


def test_goal_met_charges_each_pledge_once_by_its_card_and_settles(site_a, stripe_fake, campaign,
                                                                   django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 2000), (CARD_SUCCEEDS, 1500), (CARD_DECLINED, 1000), (CARD_REQUIRES_AUTH, 500)])
    with django_capture_on_commit_callbacks(execute=True):
        assert _settle(site_a, made, django_capture_on_commit_callbacks) == [made.pk]
    with site_a:
        made.refresh_from_db()
        statuses = sorted(Pledge.objects.filter(campaign=made).values_list("amount", "status"))
        assert made.state == "settled" and made.settlement_pledges == 4
        assert statuses == [(500, "authentication_required"), (1000, "errored"), (1500, "collected"), (2000, "collected")]
        collected = Pledge.objects.filter(campaign=made, status="collected")
        assert LedgerTransaction.objects.filter(kind="charge", reference__in=[p.stripe_payment_intent_id for p in collected]).count() == 2
        assert ledger.unbalanced_transactions() == []
        progress = settlement.settlement_progress(made)
        assert (progress["percent"], progress["collected_amount"]) == (100, 3500)
        settlement.settlement_run.run(made.pk, inline=True)  # again: nothing more is charged
    charges = [o for o in stripe_fake.objects.values() if o.get("object") == "charge"]
    assert len(charges) == 2
    # each collected pledge is a paid order with a receipt the backer finds on "My pledges"
    with site_a:
        pledge = Pledge.objects.select_related("backer").get(campaign=made, amount=2000)
    backer = site_a.client(pledge.backer)
    listing = backer.get("/campaigns/my-pledges/").content.decode()
    receipt = re.search(r'href="(/billing/orders/[0-9a-f-]+/receipt.pdf)"', listing).group(1)
    pdf = backer.get(receipt)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    import io

    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Pledge to “Clean wells”" in text and "20.00 USD" in text and pledge.order_number in text
    subjects = sorted(m.subject for m in mail.outbox)
    assert sum("was collected" in s for s in subjects) == 2 and sum("could not be collected" in s for s in subjects) == 1
    assert sum("Confirm your pledge" in s for s in subjects) == 1


def test_goal_not_met_charges_nobody_and_tells_the_backers(site_a, stripe_fake, campaign,
                                                           django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 1000), (CARD_SUCCEEDS, 500)], goal=5000)
    with django_capture_on_commit_callbacks(execute=True):
        _settle(site_a, made, django_capture_on_commit_callbacks)
    with site_a:
        made.refresh_from_db()
        assert made.state == "failed"
        assert set(Pledge.objects.filter(campaign=made).values_list("status", flat=True)) == {"cancelled"}
    assert not [r for r in stripe_fake.requests if r["path"] == "/v1/payment_intents"]
    assert sum("did not reach its goal" in m.subject for m in mail.outbox) == 2


def test_a_campaign_before_its_deadline_is_left_alone(site_a, stripe_fake, campaign):
    made = campaign([(CARD_SUCCEEDS, 5000)])
    with site_a:
        Campaign.objects.filter(pk=made.pk).update(deadline=timezone.now() + timedelta(hours=1))
        assert settlement.campaigns_close_due() == []
        assert Campaign.objects.get(pk=made.pk).state == "live"


def test_authentication_required_reminders_then_last_try_then_dropped(site_a, stripe_fake, campaign,
                                                                      django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 3000), (CARD_REQUIRES_AUTH, 800)])
    _settle(site_a, made, django_capture_on_commit_callbacks)
    with site_a:
        waiting = Pledge.objects.get(campaign=made, status="authentication_required")
        start = waiting.auth_requested_at
        assert settlement.authentication_reminders(now=start + timedelta(hours=47)) == {"reminded": 0, "last_try": 0}
        assert settlement.authentication_reminders(now=start + timedelta(hours=49)) == {"reminded": 1, "last_try": 0}
        assert settlement.authentication_reminders(now=start + timedelta(hours=60)) == {"reminded": 0, "last_try": 0}
        assert settlement.authentication_reminders(now=start + timedelta(hours=98)) == {"reminded": 1, "last_try": 0}
        assert settlement.authentication_reminders(now=start + timedelta(days=7, hours=1)) == {"reminded": 0, "last_try": 1}
        waiting.refresh_from_db()
        assert waiting.status == "dropped" and waiting.reminders_sent == 2


def test_a_pledge_that_needs_its_holder_is_paid_on_session_and_collected(site_a, stripe_fake, campaign, public_client,
                                                                         django_capture_on_commit_callbacks):
    from billing.tests.commerce_helpers import deliver, session_id_of

    made = campaign([(CARD_SUCCEEDS, 3000), (CARD_REQUIRES_AUTH, 800)])
    _settle(site_a, made, django_capture_on_commit_callbacks)
    with site_a:
        waiting = Pledge.objects.select_related("backer").get(campaign=made, status="authentication_required")
    client = site_a.client(waiting.backer)
    link = client.get(f"/campaigns/my-pledges/{waiting.public_id}/pay/")
    assert link.status_code == 302 and link["Location"] == f"/billing/buy/pledge/{waiting.public_id}/"
    page = client.get(link["Location"]).content.decode()
    assert "Pledge to “Clean wells”" in page and "Pay 8.00 USD" in page
    checkout = client.post(link["Location"], {})
    assert checkout.status_code == 302
    stripe_fake.checkout_pay(session_id_of(checkout["Location"]), CARD_SUCCEEDS)
    deliver(public_client, stripe_fake)
    with site_a:
        waiting.refresh_from_db()
        assert waiting.status == "collected"
    other = site_a.client(site_a.make_user("learner"))
    assert other.get(f"/campaigns/my-pledges/{waiting.public_id}/pay/").status_code == 404


def test_staff_refund_a_collected_pledge_through_its_order(site_a, stripe_fake, campaign, admin_a,
                                                           django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 3000)])
    _settle(site_a, made, django_capture_on_commit_callbacks)
    from billing.commerce.models import Order

    with site_a:
        pledge = Pledge.objects.get(campaign=made)
        order = Order.objects.get(number=pledge.order_number)
    response = site_a.client(admin_a).post(f"/manage/payments/orders/{order.public_id}/refund",
                                           {"amount": "30.00", "revoke_access": "revoke", "reason": "Backer asked"})
    assert response.status_code == 302
    with site_a:
        pledge.refresh_from_db()
        assert pledge.status == "refunded" and Order.objects.get(pk=order.pk).status == "refunded"
        assert ledger.unbalanced_transactions() == []
        from tenant_apps.audit.models import AuditEntry

        assert AuditEntry.objects.filter(action="order.refund").exists()


def test_staff_see_the_settlement_progress(site_a, stripe_fake, campaign, admin_a, django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 2000), (CARD_DECLINED, 1500)])
    with site_a, django_capture_on_commit_callbacks(execute=False):
        settlement.campaigns_close_due()
    page = site_a.client(admin_a).get(f"/manage/campaigns/{made.slug}/").content.decode()
    assert "charging the pledges" in page and "0 of 2 pledges handled (0%)" in page and 'hx-trigger="every 3s"' in page
    with site_a:
        settlement.settlement_run.run(made.pk, inline=True)
    page = site_a.client(admin_a).get(f"/manage/campaigns/{made.slug}/").content.decode()
    assert "Settlement: done" in page and "2 of 2 pledges handled (100%): 1 collected (20.00 USD), 1 declined" in page


def test_the_campaign_money_is_read_from_the_ledger(site_a, stripe_fake, campaign, admin_a,
                                                    django_capture_on_commit_callbacks):
    made = campaign([(CARD_SUCCEEDS, 2000), (CARD_SUCCEEDS, 3000), (CARD_DECLINED, 700)])
    other = campaign([(CARD_SUCCEEDS, 4000)], slug="roofs")  # its money is not this campaign's
    _settle(site_a, made, django_capture_on_commit_callbacks)
    _settle(site_a, other, django_capture_on_commit_callbacks)
    from billing.commerce.models import Order
    from crowdfunding import dashboard

    with site_a:
        pledge = Pledge.objects.get(campaign=made, amount=3000)
        order = Order.objects.get(number=pledge.order_number)
    assert site_a.client(admin_a).post(f"/manage/payments/orders/{order.public_id}/refund",
                                       {"amount": "10.00", "revoke_access": "keep", "reason": "Backer asked"}).status_code == 302
    with site_a:
        orders = Order.objects.filter(number__in=Pledge.objects.filter(campaign=made).exclude(order_number="")
                                      .values("order_number"))
        assert orders.count() == 2
        figures = dashboard.money_collected(made)
        assert (figures["gross"], figures["refunded"]) == (5000, 1000)
        assert figures["processor_fees"] == sum(o.processor_fee_amount for o in orders) > 0
        fees_kept = sum(o.application_fee_amount for o in orders) - sum(
            r.application_fee_refunded for o in orders for r in o.refunds.all())
        assert figures["platform_fee"] == fees_kept > 0
        assert figures["institution_net"] == 5000 - 1000 - fees_kept
    page = site_a.client(admin_a).get(f"/manage/campaigns/{made.slug}/").content.decode()
    assert 'data-figure="gross">50.00 USD<' in page and 'data-figure="refunded">10.00 USD<' in page
    api = site_a.client(admin_a).get(f"/api/v1/campaigns/{made.slug}/settlement").json()
    assert (api["state"], api["collected"], api["errored"], api["percent"]) == ("settled", 2, 1, 100)
    assert api["money"] == {k: v for k, v in figures.items() if k != "labels"}
    learner = site_a.client(site_a.make_user("learner"))
    assert learner.get(f"/api/v1/campaigns/{made.slug}/settlement").status_code == 404
