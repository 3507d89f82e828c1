"""Institutions subscribe to plans: Checkout, then state from (signed, possibly duplicated or reordered) webhooks."""
import pytest
from django.core.exceptions import ValidationError

from billing import subscriptions, webhooks
from billing.models import Plan, StripeEvent, Subscription
from billing.stripe_fake import CARD_SUCCEEDS
from billing.testing import webhook_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def pro():
    return Plan.objects.create(code="pro-test", name="Pro", price_amount=4900, price_yearly_amount=49000,
                               currency="USD", trial_days=14, max_learners=500)


def _deliver(client, fake, since=0):
    """Deliver the fake's events from index `since` as signed webhooks and process them; -> next index."""
    for event in fake.events[since:]:
        assert webhook_post(client, event).status_code == 200
    for row_id in StripeEvent.objects.order_by("received_at").values_list("pk", flat=True):
        webhooks.event_process(row_id)
    return len(fake.events)


def _subscribe(site, fake, plan, interval="month"):
    url = subscriptions.plan_checkout_start(tenant=site.tenant, plan=plan, interval=interval, email="admin@acme.test",
                                            success_url="https://acme/ok", cancel_url="https://acme/no")
    session_id = url.rstrip("/").rsplit("/", 1)[-1]
    assert fake.checkout_pay(session_id, CARD_SUCCEEDS)["outcome"] == "succeeded"
    return fake.objects[session_id]["subscription"]


def test_nothing_changes_until_the_webhook_arrives(site_a, public_client, stripe_fake, pro):
    before = Subscription.objects.get(tenant=site_a.tenant)
    _subscribe(site_a, stripe_fake, pro)
    still = Subscription.objects.get(tenant=site_a.tenant)
    assert (still.plan_id, still.status) == (before.plan_id, before.status)
    _deliver(public_client, stripe_fake)
    now = Subscription.objects.get(tenant=site_a.tenant)
    assert (now.plan, now.status, now.had_trial) == (pro, "trialing", True)
    assert now.stripe_customer_id.startswith("cus_") and now.stripe_subscription_id.startswith("sub_")
    assert now.invoices.count() == 1


def test_trial_only_once(site_a, public_client, stripe_fake, pro):
    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    from billing import gateway

    gateway.subscription_cancel(sub_id, idempotency="t-cancel")
    _deliver(public_client, stripe_fake, n)
    assert Subscription.objects.get(tenant=site_a.tenant).status == "canceled"
    second = _subscribe(site_a, stripe_fake, pro)
    assert stripe_fake.objects[second]["trial_end"] is None and stripe_fake.objects[second]["status"] == "active"


def test_failed_renewal_is_past_due_then_paid_is_active(site_a, public_client, stripe_fake, pro):
    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    stripe_fake.subscription_renew(sub_id, succeed=False)
    n = _deliver(public_client, stripe_fake, n)
    row = Subscription.objects.get(tenant=site_a.tenant)
    assert row.status == "past_due" and row.past_due_since is not None
    stripe_fake.subscription_renew(sub_id, succeed=True)
    _deliver(public_client, stripe_fake, n)
    row.refresh_from_db()
    assert row.status == "active" and row.past_due_since is None and row.invoices.count() == 3


def test_events_in_reverse_order_reach_the_final_state(site_a, public_client, stripe_fake, pro):
    sub_id = _subscribe(site_a, stripe_fake, pro)
    stripe_fake.subscription_renew(sub_id, succeed=False)
    from billing import gateway

    gateway.subscription_cancel(sub_id, idempotency="rev-cancel")
    for event in reversed(stripe_fake.events):
        webhook_post(public_client, event)
    for row_id in StripeEvent.objects.order_by("received_at").values_list("pk", flat=True):
        assert webhooks.event_process(row_id) in ("done", "ignored")
    row = Subscription.objects.get(tenant=site_a.tenant)
    assert (row.status, row.stripe_subscription_id, row.plan) == ("canceled", sub_id, pro)


def test_canceled_falls_back_to_the_free_plans_limits(site_a, public_client, stripe_fake, pro):
    free = Plan.objects.filter(price_amount=0, is_active=True).order_by("sort_order").first()
    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    assert subscriptions.subscription_effective_plan(tenant=site_a.tenant) == pro
    from billing import gateway

    gateway.subscription_cancel(sub_id, idempotency="fallback-cancel")
    _deliver(public_client, stripe_fake, n)
    assert subscriptions.subscription_effective_plan(tenant=site_a.tenant) == free


def test_upgrade_with_proration_changes_the_plan_from_the_webhook(site_a, public_client, stripe_fake, pro):
    bigger = Plan.objects.create(code="scale-test", name="Scale", price_amount=9900, currency="USD")
    sub_id = _subscribe(site_a, stripe_fake, pro)
    stripe_fake.objects[sub_id]["status"] = "active"  # past the trial
    n = _deliver(public_client, stripe_fake)
    subscriptions.plan_change(tenant=site_a.tenant, plan=bigger, interval="month")
    assert Subscription.objects.get(tenant=site_a.tenant).plan == pro  # not before the webhook
    _deliver(public_client, stripe_fake, n)
    row = Subscription.objects.get(tenant=site_a.tenant)
    assert row.plan == bigger
    assert row.invoices.filter(amount_paid__gt=0).exists()  # the prorated difference was invoiced


def test_refusals(site_a, stripe_fake, pro):
    with pytest.raises(ValidationError, match="no yearly price"):
        Plan.objects.filter(pk=pro.pk).update(price_yearly_amount=0)
        pro.refresh_from_db()
        subscriptions.plan_checkout_start(tenant=site_a.tenant, plan=pro, interval="year", email="a@x.test",
                                          success_url="https://x", cancel_url="https://x")
    with pytest.raises(ValidationError, match="no running subscription"):
        subscriptions.plan_change(tenant=site_a.tenant, plan=pro, interval="month")


def test_another_tenants_metadata_cannot_move_this_tenants_subscription(site_a, site_b, public_client, stripe_fake, pro):
    _subscribe(site_a, stripe_fake, pro)
    for event in stripe_fake.events:  # an attacker cannot sign; but a wrong metadata must not cross either
        obj = event["data"]["object"]
        if obj.get("object") == "subscription":
            obj["metadata"] = {**obj["metadata"], "tenant_id": str(site_b.tenant.pk)}
    _deliver(public_client, stripe_fake)
    b = Subscription.objects.get(tenant=site_b.tenant)
    assert b.stripe_subscription_id == "" and b.plan != pro


def test_cancellation_records_when_and_a_new_subscription_clears_it(site_a, public_client, stripe_fake, pro):
    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    assert Subscription.objects.get(tenant=site_a.tenant).canceled_at is None
    from billing import gateway

    gateway.subscription_cancel(sub_id, idempotency="when-cancel")
    n = _deliver(public_client, stripe_fake, n)
    row = Subscription.objects.get(tenant=site_a.tenant)
    assert row.status == "canceled"
    assert int(row.canceled_at.timestamp()) == stripe_fake.objects[sub_id]["canceled_at"]  # Stripe's moment
    _subscribe(site_a, stripe_fake, pro)
    _deliver(public_client, stripe_fake, n)
    row.refresh_from_db()
    assert row.status == "active" and row.canceled_at is None


def test_failed_renewal_emails_the_admins_and_past_the_grace_period_the_free_plan_applies(
        site_a, public_client, stripe_fake, pro, django_capture_on_commit_callbacks, settings):
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    Plan.objects.create(code="free-test", name="Free", price_amount=0, max_learners=5, sort_order=0)
    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    stripe_fake.subscription_renew(sub_id, succeed=False)
    with django_capture_on_commit_callbacks(execute=True):
        n = _deliver(public_client, stripe_fake, n)
    failed = [m for m in mail.outbox if "payment failed" in m.subject]
    assert len(failed) == 1 and failed[0].to == ["admin@acme.test"] and "billing portal before" in failed[0].body
    row = Subscription.objects.get(tenant=site_a.tenant)
    assert subscriptions.subscription_effective_plan(tenant=site_a.tenant) == pro  # within the grace period
    Subscription.objects.filter(pk=row.pk).update(past_due_since=timezone.now() - timedelta(days=settings.BILLING_GRACE_DAYS + 1))
    assert subscriptions.subscription_effective_plan(tenant=site_a.tenant).price_amount == 0
    stripe_fake.subscription_renew(sub_id, succeed=False)  # still failing: no second email for the same episode
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(public_client, stripe_fake, n)
    assert len([m for m in mail.outbox if "payment failed" in m.subject]) == 1


def test_trial_will_end_emails_the_admins(site_a, public_client, stripe_fake, pro, django_capture_on_commit_callbacks):
    from django.core import mail

    sub_id = _subscribe(site_a, stripe_fake, pro)
    n = _deliver(public_client, stripe_fake)
    stripe_fake.trial_will_end(sub_id)
    with django_capture_on_commit_callbacks(execute=True):
        _deliver(public_client, stripe_fake, n)
    ending = [m for m in mail.outbox if "trial ends" in m.subject]
    assert len(ending) == 1 and ending[0].to == ["admin@acme.test"] and "/manage/billing/" in ending[0].body
    assert "Stop " not in ending[0].body  # a mandatory notification: no unsubscribe link
    from tenant_apps.notifications.models import Notification

    with site_a:  # the webhook ran in the public schema; the bell row is in the institution's
        bell = Notification.objects.get(event_key="billing_trial_ending", user__email="admin@acme.test")
    assert bell.url == "/manage/billing/" and "trial" in bell.body
