"""Settlement at the deadline: all or nothing, every pledge charged exactly once.

`campaigns_close_due` (beat, every minute) closes live campaigns whose deadline has passed:
goal not met → failed, every open pledge cancelled, nobody charged, backers emailed; goal met
→ successful, and `settlement_run` (Celery, queue "settlement") charges the active pledges in
chunks. Each pledge is charged under its own row lock with the idempotency key
`pledge-<uuid>-collect`, and its new state commits with the ledger entries: a worker killed
between Stripe's answer and the commit leaves the pledge active, and the re-run sends the same
key, so Stripe replays its first answer instead of charging again. Runs are resumable and may
overlap (rows are taken with SKIP LOCKED); the beat sweep restarts any that stopped.

Outcomes: collected | errored (declined) | authentication_required (the backer is emailed a
link to pay on-session; reminders every 48 h for 7 days, then one last off-session try, then
dropped).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from billing.api import OffSessionCharge, money, saved_card_charges
from tenants.api import audit_log

from .models import Campaign, Pledge
from .page_cache import campaign_page_changed, campaign_pages_changed
from .services import campaign_conclude

logger = logging.getLogger(__name__)

CHUNK = 100  # pledges per task (every worker process takes part)
BATCH = 20  # pledges per transaction within a chunk (row locks held while Stripe answers)
REMINDER_EVERY = timedelta(hours=48)
REMINDERS_FOR = timedelta(days=7)


def _site_url(path: str) -> str:
    from tenants.api import site_url_for_tenant

    return site_url_for_tenant(connection.tenant, path)


def _backers_tell(pledges, *, event: str, campaign: Campaign) -> None:
    """Tell these backers through the notification service (the bell and, rendered now and delivered
    after commit, one email task per 100 backers)."""
    from tenant_apps.notifications.api import notify_each

    campaign_url = _site_url(f"/campaigns/{campaign.slug}/")
    notify_each(event, [(pledge.backer, {
        "campaign": campaign, "pledge": pledge, "amount": money.format_minor(pledge.amount, pledge.currency),
        "campaign_url": campaign_url, "pay_url": _site_url(f"/campaigns/my-pledges/{pledge.public_id}/pay/"),
    }) for pledge in pledges], url=f"/campaigns/{campaign.slug}/")


# --- closing at the deadline -------------------------------------------------------------------

def campaigns_close_due(*, now=None) -> list[int]:
    """Close every live campaign of the active institution whose deadline has passed."""
    now = now or timezone.now()
    closed = []
    for campaign_id in Campaign.objects.filter(state=Campaign.State.LIVE, deadline__lte=now).values_list("pk", flat=True):
        if campaign_close(campaign_id=campaign_id, now=now):
            closed.append(campaign_id)
    return closed


def campaign_close(*, campaign_id: int, now=None) -> str | None:
    """live → successful (settlement enqueued on commit) or failed (pledges cancelled); -> new state."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.state != Campaign.State.LIVE or campaign.deadline > now:
            return None
        active = campaign.pledges.filter(status=Pledge.Status.ACTIVE)
        pledged = active.aggregate(total=Sum("amount"))["total"] or 0  # only pledges whose card is saved count
        campaign = campaign_conclude(campaign=campaign, pledged=pledged)  # the state move, audited
        if campaign.state == Campaign.State.SUCCESSFUL:
            campaign.settlement_pledges = active.count()
            campaign.save(update_fields=["settlement_pledges", "updated_at"])
            transaction.on_commit(lambda: _enqueue(campaign.pk))
        else:
            open_pledges = list(campaign.pledges.filter(status__in=Pledge.OPEN).select_related("backer"))
            Pledge.objects.filter(pk__in=[p.pk for p in open_pledges]).update(
                status=Pledge.Status.CANCELLED, status_note="The campaign did not reach its goal; nothing was charged.",
                updated_at=now)
            _backers_tell([p for p in open_pledges if p.status == Pledge.Status.ACTIVE],
                          event="campaign_failed", campaign=campaign)
        return campaign.state


def _enqueue(campaign_id: int) -> None:
    try:
        settlement_run.delay(campaign_id)
    except Exception:  # noqa: BLE001 - the beat sweep starts it when the broker is back
        logger.exception("could not enqueue the settlement of campaign %s", campaign_id)


# --- charging -----------------------------------------------------------------------------------

def pledge_collect(*, pledge_id: int, last_try: bool = False) -> str | None:
    """Charge one pledge off-session, exactly once; -> its new status (None: taken elsewhere)."""
    return pledges_collect(pledge_ids=[pledge_id], last_try=last_try).get(pledge_id)


_CHANGED = ["status", "status_note", "stripe_payment_intent_id", "collected_at", "application_fee_amount",
            "processor_fee_amount", "order_number", "auth_requested_at", "reminders_sent", "updated_at"]
_TELL = {Pledge.Status.COLLECTED: "pledge_collected", Pledge.Status.ERRORED: "pledge_failed",
         Pledge.Status.DROPPED: "pledge_failed", Pledge.Status.AUTHENTICATION_REQUIRED: "pledge_authenticate"}


def pledges_collect(*, pledge_ids: list[int], last_try: bool = False) -> dict[int, str]:
    """Charge these pledges off-session, each exactly once, in one transaction that holds their
    row locks; -> new status by pledge id (pledges taken elsewhere, or no longer chargeable, are
    left out). Stripe's answers, the paid orders, the ledger entries and the pledges' new states
    commit together; a process killed before the commit leaves them all active, and the re-run
    sends the same idempotency keys, so Stripe replays its answers instead of charging again."""
    with transaction.atomic():
        wanted = [Pledge.Status.ACTIVE] + ([Pledge.Status.AUTHENTICATION_REQUIRED] if last_try else [])
        pledges = list(Pledge.objects.select_for_update(skip_locked=True, of=("self",)).select_related("campaign", "backer")
                       .filter(pk__in=pledge_ids, status__in=wanted).order_by("pk"))
        if not pledges:
            return {}
        results = saved_card_charges(charges=[OffSessionCharge(
            amount=pledge.amount, currency=pledge.currency, customer=pledge.stripe_customer_id,
            payment_method=pledge.stripe_payment_method_id,
            idempotency=f"pledge-{pledge.public_id}-collect" + ("-last" if last_try else ""),
            metadata={"kind": "pledge", "pledge_id": str(pledge.public_id), "campaign": pledge.campaign.slug},
            description=f"Pledge to “{pledge.campaign.title}”", buyer=pledge.backer, product_kind="pledge",
            product_ref=str(pledge.public_id)) for pledge in pledges])
        now = timezone.now()
        changed = [pledge for pledge, result in zip(pledges, results)
                   if _outcome_apply(pledge, result, now=now, last_try=last_try)]
        _pledges_write(changed)
        campaign_pages_changed(pledge.campaign_id for pledge in changed)  # totals count collected pledges only
        told: dict[tuple[str, int], list[Pledge]] = {}
        for pledge in changed:
            if pledge.status in _TELL:
                told.setdefault((pledge.status, pledge.campaign_id), []).append(pledge)
        for (status, _), group in told.items():
            _backers_tell(group, event=_TELL[status], campaign=group[0].campaign)
        return {pledge.pk: pledge.status for pledge in pledges}


def _pledges_write(pledges: list[Pledge]) -> None:
    """The settlement fields of these pledges in one UPDATE … FROM (VALUES …) (Django's
    bulk_update builds a CASE per field and row: costlier than the charges themselves)."""
    if not pledges:
        return
    fields = [Pledge._meta.get_field(name) for name in _CHANGED]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}::{f.db_type(connection)}" for f in fields)
    row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    sql = (f"UPDATE {quote(Pledge._meta.db_table)} AS p SET {sets} FROM (VALUES {', '.join([row] * len(pledges))}) "
           f"AS v(id, {', '.join(quote(f.column) for f in fields)}) WHERE p.id = v.id")
    params = [value for pledge in pledges for value in
              [pledge.pk, *(f.get_db_prep_save(getattr(pledge, f.attname), connection) for f in fields)]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _outcome_apply(pledge: Pledge, result, *, now, last_try: bool) -> bool:
    """Stripe's answer onto the pledge (saved by the caller); -> whether it changed."""
    if result.status == "unavailable":  # the payment service is unavailable: stays as it was, retried by the next run
        logger.warning("pledge %s not charged now: %s", pledge.public_id, result.message)
        return False
    pledge.updated_at = now
    pledge.stripe_payment_intent_id = result.payment_intent_id or pledge.stripe_payment_intent_id
    if result.status == "succeeded":
        pledge.status, pledge.collected_at, pledge.status_note = Pledge.Status.COLLECTED, now, ""
        pledge.application_fee_amount, pledge.processor_fee_amount = result.application_fee, result.processor_fee
        pledge.order_number = result.order_number
    elif result.status == "declined":
        pledge.status, pledge.status_note = Pledge.Status.ERRORED, result.message[:500]
    elif last_try:  # authentication still required
        pledge.status = Pledge.Status.DROPPED
        pledge.status_note = "The card still needed its holder after a week of reminders; nothing was charged."
    else:
        pledge.status, pledge.status_note = Pledge.Status.AUTHENTICATION_REQUIRED, result.message[:500]
        pledge.auth_requested_at, pledge.reminders_sent = now, 0
    return True


def _settle_if_done(campaign_id: int) -> None:
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state != Campaign.State.SUCCESSFUL or campaign.pledges.filter(status=Pledge.Status.ACTIVE).exists():
            return
        campaign.state, campaign.settled_at = Campaign.State.SETTLED, timezone.now()
        campaign.save(update_fields=["state", "settled_at", "updated_at"])
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.settled", target=campaign, actor=None, after=settlement_progress(campaign))
        if campaign.is_scholarship:  # partial stretch: a seat per full seat's worth collected
            from .scholarships import seats_open_for_collected

            seats_open_for_collected(campaign_id=campaign.pk)


def settlement_progress(campaign: Campaign) -> dict:
    """For the staff progress bar: how many of the pledges to charge are done, and how."""
    counts = campaign.pledges.aggregate(
        active=Count("pk", filter=Q(status=Pledge.Status.ACTIVE)),
        collected=Count("pk", filter=Q(status=Pledge.Status.COLLECTED)),
        errored=Count("pk", filter=Q(status=Pledge.Status.ERRORED)),
        authentication_required=Count("pk", filter=Q(status=Pledge.Status.AUTHENTICATION_REQUIRED)),
        dropped=Count("pk", filter=Q(status=Pledge.Status.DROPPED)),
        collected_amount=Sum("amount", filter=Q(status=Pledge.Status.COLLECTED)),
    )
    total = campaign.settlement_pledges or 0
    done = max(0, total - counts["active"])
    return {**{k: v or 0 for k, v in counts.items()}, "total": total, "done": done,
            "percent": 100 if not total else int(done * 100 / total)}


@shared_task(acks_late=True)
def settlement_run(campaign_id: int, *, inline: bool = False) -> int:
    """Split what is left to charge into chunks, one task each, so that every worker process
    takes part (resumable: run it again and it chunks what is still active). `inline` charges
    them here, in this process (tests, the command line)."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.state != Campaign.State.SUCCESSFUL:
        return 0
    ids = list(campaign.pledges.filter(status=Pledge.Status.ACTIVE).order_by("pk").values_list("pk", flat=True))
    if not ids:
        _settle_if_done(campaign_id)
        return 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        if inline:
            settlement_chunk.run(campaign_id, chunk)
        else:
            settlement_chunk.delay(campaign_id, chunk)
    return len(ids)


@shared_task(acks_late=True)
def settlement_chunk(campaign_id: int, pledge_ids: list[int]) -> int:
    """Charge these pledges (those still active); settle the campaign when none is left."""
    handled = 0
    for start in range(0, len(pledge_ids), BATCH):
        outcomes = pledges_collect(pledge_ids=pledge_ids[start:start + BATCH])
        handled += sum(1 for status in outcomes.values() if status != Pledge.Status.ACTIVE)
    if not Pledge.objects.filter(campaign_id=campaign_id, status=Pledge.Status.ACTIVE).exists():
        _settle_if_done(campaign_id)
    return handled


# --- authentication-required pledges: reminders, the last try -------------------------------------

def authentication_reminders(*, now=None) -> dict[str, int]:
    """Every 48 h for 7 days a reminder; after that one last off-session try, else dropped."""
    now = now or timezone.now()
    waiting = Pledge.objects.filter(status=Pledge.Status.AUTHENTICATION_REQUIRED).select_related("campaign", "backer")
    out = {"reminded": 0, "last_try": 0}
    for pledge in waiting:
        if pledge.auth_requested_at and now - pledge.auth_requested_at >= REMINDERS_FOR:
            pledge_collect(pledge_id=pledge.pk, last_try=True)
            out["last_try"] += 1
        elif now - (pledge.last_reminder_at or pledge.auth_requested_at or now) >= REMINDER_EVERY:
            Pledge.objects.filter(pk=pledge.pk).update(last_reminder_at=now, reminders_sent=pledge.reminders_sent + 1)
            _backers_tell([pledge], event="pledge_authenticate", campaign=pledge.campaign)
            out["reminded"] += 1
    return out


@shared_task(acks_late=True)
def settlement_sweep_for_tenant() -> dict:
    """Beat (per institution): close due campaigns, restart unfinished settlements, remind."""
    closed = campaigns_close_due()
    for campaign_id in Campaign.objects.filter(state=Campaign.State.SUCCESSFUL).values_list("pk", flat=True):
        if campaign_id not in closed:
            _enqueue(campaign_id)
    return {"closed": len(closed), **authentication_reminders()}


@shared_task
def settlement_sweep_everywhere() -> int:
    """Beat entry point (public schema): one sweep per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(settlement_sweep_for_tenant)
