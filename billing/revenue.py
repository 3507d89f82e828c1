"""What institutions pay the platform, as operators read it: subscriptions, MRR and ARR per
currency, churn this month, trials ending soon and failed payments. Reads only.

Money rules: amounts stay integer minor units per currency (different currencies are never
added); a yearly price counts as a twelfth of itself, computed exactly with Decimal and rounded
once per currency total by `money.minor_round` (the platform's one rounding rule). ARR is
12 × the rounded MRR, so the two figures on the page always agree.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.utils import timezone

from . import money
from .models import Plan, PlatformInvoice, StripeEvent, Subscription

# Subscriptions that bring in money now: a past-due one is still owed and still counted.
EARNING = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)
TRIALS_ENDING_DAYS = 7
FAILED_INVOICE_STATUSES = ("open", "uncollectible")

_PAYING = (Q(interval=Plan.Interval.MONTH, plan__price_amount__gt=0)
           | Q(interval=Plan.Interval.YEAR, plan__price_yearly_amount__gt=0))


def _subscriptions() -> QuerySet[Subscription]:
    """Real institutions' subscriptions (never the template's nor the public row's)."""
    return (Subscription.objects.filter(tenant__is_template=False)
            .exclude(tenant__schema_name=settings.PUBLIC_SCHEMA_NAME)
            .select_related("tenant", "plan"))


def subscription_list_for_console(*, status: str = "") -> QuerySet[Subscription]:
    rows = _subscriptions().order_by("tenant__name", "tenant__slug")
    if status:
        rows = rows.filter(status=status)
    return rows


def subscription_price_label(subscription: Subscription) -> str:
    """'490.00 USD / year', 'Free', or '—' without a plan: the price the subscription is billed."""
    plan = subscription.plan
    if plan is None:
        return "—"
    yearly = subscription.interval == Plan.Interval.YEAR
    amount = plan.price_yearly_amount if yearly else plan.price_amount
    label = money.price_label(amount, plan.currency)
    return label if not amount else f"{label} / {'year' if yearly else 'month'}"


@dataclass(frozen=True)
class Revenue:
    """Recurring revenue in one currency, in its minor units."""

    currency: str
    subscriptions: int
    mrr_minor: int

    @property
    def arr_minor(self) -> int:
        return 12 * self.mrr_minor

    @property
    def mrr_label(self) -> str:
        return money.format_minor(self.mrr_minor, self.currency)

    @property
    def arr_label(self) -> str:
        return money.format_minor(self.arr_minor, self.currency)


def revenue_by_currency() -> list[Revenue]:
    """MRR (and ARR) of active and past-due subscriptions, one figure per currency, by currency code."""
    sums = (_subscriptions().filter(status__in=EARNING, plan__isnull=False)
            .values("plan__currency", "interval")
            .annotate(n=Count("pk"), monthly=Sum("plan__price_amount"), yearly=Sum("plan__price_yearly_amount"))
            .order_by())
    monthly_minor: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    for row in sums:
        currency = row["plan__currency"]
        counts[currency] += row["n"]
        if row["interval"] == Plan.Interval.YEAR:
            monthly_minor[currency] += Decimal(row["yearly"] or 0) / 12
        else:
            monthly_minor[currency] += Decimal(row["monthly"] or 0)
    return [Revenue(currency=c, subscriptions=counts[c], mrr_minor=money.minor_round(monthly_minor[c]))
            for c in sorted(counts)]


def month_start(now: datetime | None = None) -> datetime:
    """Midnight on the first of the current month, in the platform's time zone."""
    local = timezone.localtime(now or timezone.now())
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Churn:
    month_start: datetime
    paying_at_start: int
    canceled: int

    @property
    def rate(self) -> Decimal | None:
        return None if not self.paying_at_start else Decimal(self.canceled) / Decimal(self.paying_at_start)

    @property
    def percent_label(self) -> str:
        rate = self.rate
        return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.1'), rounding=money.ROUNDING)}%"


def churn_this_month(*, now: datetime | None = None) -> Churn:
    """Paid subscriptions canceled this calendar month / paid subscriptions running at its start.

    Derived from what is stored: a subscription was running at the month's start if its row
    existed then, it was not canceled before then (`canceled_at`; canceled without a date counts
    as before) and it was not still in its trial then (`trial_end`). Only subscriptions on a
    priced plan count (free plans cannot churn revenue); the numerator is taken from the same
    group, so a subscription started and canceled within the month is not churn.
    """
    start = month_start(now)
    cohort = (_subscriptions().filter(_PAYING, started_at__lt=start)
              .exclude(canceled_at__lt=start)
              .exclude(status=Subscription.Status.CANCELED, canceled_at__isnull=True)
              .exclude(trial_end__gt=start))
    return Churn(month_start=start, paying_at_start=cohort.count(),
                 canceled=cohort.filter(status=Subscription.Status.CANCELED, canceled_at__gte=start).count())


def trials_ending(*, days: int = TRIALS_ENDING_DAYS, now: datetime | None = None) -> QuerySet[Subscription]:
    now = now or timezone.now()
    return (_subscriptions().filter(status=Subscription.Status.TRIALING, trial_end__gte=now,
                                    trial_end__lte=now + timedelta(days=days))
            .order_by("trial_end"))


@dataclass(frozen=True)
class FailedPayment:
    subscription: Subscription
    invoices: list[PlatformInvoice]

    @property
    def invoice_rows(self) -> list[tuple[PlatformInvoice, str]]:
        """Each unpaid invoice with what is still owed on it, through the money module."""
        return [(i, money.format_minor(max(i.amount_due - i.amount_paid, 0), i.currency)) for i in self.invoices]


def failed_payments() -> list[FailedPayment]:
    """Subscriptions past due, and those with an invoice still open (or uncollectible) after
    Stripe reported its payment failed; oldest trouble first."""
    payment_failed = (StripeEvent.objects.filter(type="invoice.payment_failed")
                      .annotate(invoice_id=KT("payload__data__object__id"))
                      .filter(invoice_id=OuterRef("stripe_invoice_id")))
    invoices = (PlatformInvoice.objects.filter(status__in=FAILED_INVOICE_STATUSES, subscription__in=_subscriptions())
                .filter(Exists(payment_failed)).order_by("created"))
    per_subscription: dict[int, list[PlatformInvoice]] = defaultdict(list)
    for invoice in invoices:
        per_subscription[invoice.subscription_id].append(invoice)
    rows = (_subscriptions().filter(Q(status=Subscription.Status.PAST_DUE) | Q(pk__in=list(per_subscription)))
            .order_by("past_due_since", "tenant__name"))
    return [FailedPayment(subscription=s, invoices=per_subscription.get(s.pk, [])) for s in rows]


@dataclass(frozen=True)
class BillingOverview:
    revenue: list[Revenue]
    churn: Churn
    trials_ending: list[Subscription]
    failed_payments: list[FailedPayment]
    status_counts: dict[str, int]
    learner_payments: list[dict]  # this month, per currency, from the institutions' ledgers


def billing_overview(*, now: datetime | None = None) -> BillingOverview:
    counts = dict(_subscriptions().values_list("status").annotate(n=Count("pk")).order_by())
    return BillingOverview(
        revenue=revenue_by_currency(), churn=churn_this_month(now=now),
        trials_ending=list(trials_ending(now=now)), failed_payments=failed_payments(),
        status_counts={status: counts.get(status, 0) for status in Subscription.Status.values},
        learner_payments=_learner_payments_this_month(now=now),
    )


def _learner_payments_this_month(*, now: datetime | None = None) -> list[dict]:
    from .commerce.selectors import learner_payments_by_currency

    now = now or timezone.now()
    since = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [{**row, "paid_label": money.format_minor(row["paid"], row["currency"]),
             "fees_label": money.format_minor(row["platform_fees"], row["currency"])}
            for row in learner_payments_by_currency(since=since)]


# --- webhook events ------------------------------------------------------------------------------

def stripe_event_list_for_console(*, status: str = "", type_: str = "") -> QuerySet[StripeEvent]:
    rows = StripeEvent.objects.defer("payload").order_by("-received_at", "-pk")
    if status:
        rows = rows.filter(status=status)
    if type_:
        rows = rows.filter(type=type_)
    return rows


def stripe_event_get(*, pk: int) -> StripeEvent | None:
    return StripeEvent.objects.defer("payload").filter(pk=pk).first()


def stripe_event_counts() -> dict[str, int]:
    counts = dict(StripeEvent.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in StripeEvent.Status.values}
