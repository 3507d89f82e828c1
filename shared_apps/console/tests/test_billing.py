"""The console's Billing section: subscriptions, MRR/ARR per currency, churn, trials ending, failed
payments, and re-processing failed webhook events (operators only, audited)."""
from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from billing import revenue, webhooks
from billing.models import Plan, PlatformInvoice, StripeEvent, Subscription
from billing.testing import webhook_post

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def plans():
    def plan(code, monthly, yearly, currency):
        return Plan.objects.create(code=code, name=code.title(), price_amount=monthly, price_yearly_amount=yearly,
                                   currency=currency)

    return {
        "usd": plan("usd-pro", 4900, 49000, "USD"),     # 49.00 / 490.00
        "jpy": plan("jpy-pro", 5000, 50000, "JPY"),     # ¥5,000 / ¥50,000: no minor unit
        "kwd": plan("kwd-pro", 1500, 15001, "KWD"),     # 1.500 / 15.001: three decimals
    }


@pytest.fixture
def subscribe(make_tenant):
    """A tenant of its own on `plan`, its subscription set to the given state."""
    # The seeded institutions' own subscriptions would count too: take them off any plan.
    Subscription.objects.update(plan=None)

    def make(plan, interval="month", status="active", **fields):
        tenant = make_tenant()
        Subscription.objects.filter(tenant=tenant).update(plan=plan, interval=interval, status=status, **fields)
        return Subscription.objects.select_related("tenant").get(tenant=tenant)

    return make


def test_mrr_and_arr_per_currency_with_one_rounding(subscribe, plans):
    subscribe(plans["usd"], "month")                       # 4900
    subscribe(plans["usd"], "year")                        # 49000 / 12
    subscribe(plans["usd"], "year", status="past_due")     # 49000 / 12: still owed, still counted
    subscribe(plans["usd"], "month", status="trialing")    # not paying yet
    subscribe(plans["usd"], "month", status="canceled")    # gone
    subscribe(plans["jpy"], "month")                       # 5000
    subscribe(plans["jpy"], "year")                        # 50000 / 12 = 4166.67
    subscribe(plans["kwd"], "year")                        # 15001 / 12 = 1250.083

    figures = {r.currency: r for r in revenue.revenue_by_currency()}
    assert set(figures) == {"USD", "JPY", "KWD"}  # never added across currencies
    # 4900 + 98000/12 = 13066.67 -> 13067 (rounded once; per subscription it would be 4900 + 4083 + 4083 = 13066)
    assert (figures["USD"].subscriptions, figures["USD"].mrr_minor, figures["USD"].arr_minor) == (3, 13067, 156804)
    assert figures["USD"].mrr_label == "130.67 USD" and figures["USD"].arr_label == "1,568.04 USD"
    assert figures["JPY"].mrr_minor == 9167 and figures["JPY"].mrr_label == "9,167 JPY"
    assert figures["JPY"].arr_label == "110,004 JPY"
    assert figures["KWD"].mrr_minor == 1250 and figures["KWD"].mrr_label == "1.250 KWD"


def test_overview_page_shows_the_figures_through_the_money_module(console, subscribe, plans):
    subscribe(plans["usd"], "year")
    subscribe(plans["jpy"], "month")
    body = console.get("/console/billing/").content.decode()
    # 49000 / 12 = 4083.33 -> 4083; ARR is 12 × the MRR shown (489.96), so the two figures agree
    assert "40.83 USD" in body and "489.96 USD" in body
    assert "5,000 JPY" in body and "60,000 JPY" in body


def test_churn_this_month(subscribe, plans):
    start = revenue.month_start(NOW)
    before = start - timedelta(days=40)

    def running(plan_override=None, **fields):
        s = subscribe(plan_override or plans["usd"], **fields)
        Subscription.objects.filter(pk=s.pk).update(started_at=before)
        return s

    for _ in range(3):
        running()
    running(status="canceled", canceled_at=start + timedelta(days=2))
    running(status="canceled", canceled_at=start + timedelta(days=1), interval="year")
    running(status="canceled", canceled_at=start - timedelta(days=3))  # churned last month
    running(status="canceled")  # canceled, date unknown: counted as before this month
    running(status="canceled", trial_end=start + timedelta(days=1), canceled_at=start + timedelta(days=3))  # a trial
    new = subscribe(plans["usd"], status="canceled", canceled_at=start + timedelta(days=5))  # started this month
    Subscription.objects.filter(pk=new.pk).update(started_at=start + timedelta(days=1))
    free = Plan.objects.create(code="free-x", name="Free X", price_amount=0, currency="USD")
    running(plan_override=free, status="canceled", canceled_at=start + timedelta(days=1))  # free plans cannot churn

    churn = revenue.churn_this_month(now=NOW)
    # running at the start: 3 still active + 2 canceled since
    assert (churn.paying_at_start, churn.canceled) == (5, 2)
    assert churn.percent_label == "40.0%"
    assert churn.month_start.day == 1 and churn.month_start.hour == 0


def test_churn_without_paying_subscriptions_is_a_dash():
    assert revenue.churn_this_month(now=NOW).percent_label == "—"


def test_trials_ending_in_the_next_seven_days(console, subscribe, plans):
    now = timezone.now()
    soon = subscribe(plans["usd"], status="trialing", trial_end=now + timedelta(days=3))
    subscribe(plans["usd"], status="trialing", trial_end=now + timedelta(days=10))
    subscribe(plans["usd"], status="trialing", trial_end=now - timedelta(days=1))
    subscribe(plans["usd"], status="active", trial_end=now + timedelta(days=2))
    assert list(revenue.trials_ending()) == [soon]
    body = console.get("/console/billing/").content.decode()
    assert soon.tenant.name in body and f"/console/tenants/{soon.tenant.uuid}/" in body


def test_failed_payments_list_past_due_and_unpaid_invoices(console, subscribe, plans):
    past_due = subscribe(plans["usd"], status="past_due", past_due_since=timezone.now())
    active = subscribe(plans["jpy"], status="active")
    fine = subscribe(plans["usd"], status="active")
    PlatformInvoice.objects.create(subscription=active, stripe_invoice_id="in_failed", number="INV-9", status="open",
                                   amount_due=5000, amount_paid=0, currency="JPY", created=timezone.now())
    PlatformInvoice.objects.create(subscription=fine, stripe_invoice_id="in_draft", status="open",
                                   amount_due=4900, amount_paid=0, currency="USD", created=timezone.now())
    StripeEvent.objects.create(stripe_id="evt_pf", type="invoice.payment_failed", source="platform",
                               created=timezone.now(), status="done",
                               payload={"data": {"object": {"id": "in_failed", "object": "invoice"}}})
    rows = {f.subscription.pk: f for f in revenue.failed_payments()}
    assert set(rows) == {past_due.pk, active.pk}  # an open invoice no payment failed on is not a failed payment
    assert [owed for _, owed in rows[active.pk].invoice_rows] == ["5,000 JPY"]
    body = console.get("/console/billing/").content.decode()
    assert "INV-9" in body and "5,000 JPY" in body
    assert f"/console/tenants/{past_due.tenant.uuid}/" in body and f"/console/tenants/{active.tenant.uuid}/" in body


def test_subscription_list_filters_by_status(console, subscribe, plans):
    trial = subscribe(plans["usd"], "year", status="trialing", trial_end=timezone.now() + timedelta(days=5),
                      cancel_at_period_end=True)
    active = subscribe(plans["jpy"], "month", status="active")
    body = console.get("/console/billing/subscriptions/").content.decode()
    assert trial.tenant.name in body and active.tenant.name in body
    assert "490.00 USD / year" in body and "5,000 JPY / month" in body
    body = console.get("/console/billing/subscriptions/?status=trialing").content.decode()
    assert trial.tenant.name in body and active.tenant.name not in body
    assert console.get("/console/billing/subscriptions/?status=bogus").status_code == 200  # ignored, not a 500


# --- webhook events ------------------------------------------------------------------------------

@pytest.fixture
def flaky_handler():
    """A handler that fails until its cause is fixed (`state["broken"] = False`)."""
    state = {"broken": True}

    @webhooks.webhook_handler("console.test")
    def handler(row, obj):
        if state["broken"]:
            raise RuntimeError("the plan it names does not exist yet")
        return ""

    yield state
    webhooks._HANDLERS["console.test"].remove(handler)


def _failed_event(public_client, event_id: str) -> StripeEvent:
    event = {"id": event_id, "object": "event", "type": "console.test", "created": int(time.time()), "livemode": False,
             "data": {"object": {"id": "obj_1", "object": "thing"}}}
    assert webhook_post(public_client, event).status_code == 200
    row = StripeEvent.objects.get(stripe_id=event_id)
    assert webhooks.event_process(row.pk) == "failed"
    row.refresh_from_db()
    return row


def test_event_list_shows_status_type_attempts_and_error(console, public_client, flaky_handler):
    row = _failed_event(public_client, "evt_c1")
    body = console.get("/console/billing/events/?status=failed").content.decode()
    assert "evt_c1" in body and "console.test" in body and "the plan it names does not exist yet" in body
    assert f"/console/billing/events/{row.pk}/reprocess/" in body and "Re-process all failed (1)" in body
    assert "evt_c1" not in console.get("/console/billing/events/?status=done").content.decode()
    assert "evt_c1" not in console.get("/console/billing/events/?type=invoice.paid").content.decode()


def test_reprocess_moves_a_failed_event_to_done_once_fixed_and_is_audited(console, public_client, flaky_handler):
    row = _failed_event(public_client, "evt_c2")
    url = f"/console/billing/events/{row.pk}/reprocess/"
    response = console.post(url, {"status": "failed"})
    assert response.status_code == 302 and response["Location"] == "/console/billing/events/?status=failed"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 2)  # still broken: still failed, with its error
    flaky_handler["broken"] = False
    assert console.post(url).status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("done", 3, "")
    from shared_apps.audit.models import OperatorAuditEntry

    entry = OperatorAuditEntry.objects.filter(action="stripe_event.reprocess").order_by("-pk").first()
    assert entry.actor_email == "ops@educrowd.test" and entry.after["events"] == {"evt_c2": "done"}
    # a done event is not re-run
    assert console.post(url).status_code == 302
    row.refresh_from_db()
    assert row.attempts == 3


def test_reprocess_all_failed(console, public_client, flaky_handler):
    rows = [_failed_event(public_client, f"evt_all{i}") for i in range(3)]
    flaky_handler["broken"] = False
    response = console.post("/console/billing/events/reprocess-failed/", follow=True)
    assert response.status_code == 200 and "3 done" in response.content.decode()
    assert {StripeEvent.objects.get(pk=r.pk).status for r in rows} == {"done"}


def test_reprocess_of_an_unknown_event_is_404(console):
    assert console.post("/console/billing/events/999999/reprocess/").status_code == 404


def test_support_sees_events_but_may_not_reprocess(support_console, public_client, flaky_handler):
    row = _failed_event(public_client, "evt_c3")
    flaky_handler["broken"] = False
    body = support_console.get("/console/billing/events/").content.decode()
    assert "evt_c3" in body and "/reprocess/" not in body
    assert support_console.post(f"/console/billing/events/{row.pk}/reprocess/").status_code == 403
    assert support_console.post("/console/billing/events/reprocess-failed/").status_code == 403
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 1)


def test_overview_shows_learner_payments_read_from_the_institutions_ledgers(console, site_a):
    from billing.commerce import ledger
    from billing.commerce.models import Order

    learner = site_a.make_user("learner")
    with site_a:
        order = Order.objects.create(number="R-777777", buyer=learner, buyer_email=learner.email, status="paid",
                                     product_kind="course", product_ref="x", description="Ledgered", currency="USD",
                                     subtotal_amount=10000, total_amount=10000, application_fee_amount=500)
        ledger.charge_record(order=order, reference="pi_console_test", total=10000, application_fee=500, processor_fee=320)
    body = console.get("/console/billing/").content.decode()
    assert "Learner payments this month" in body
    assert "1.80 USD" in body and "100.00 USD" in body  # platform fee 5.00 less Stripe's 3.20, on 100.00 paid
