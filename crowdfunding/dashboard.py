"""The creator's dashboard: pledges over time as a server-rendered SVG, counts per reward, and
the backers' CSV. Figures are aggregated in SQL (one query each, whatever the backers)."""
from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.db.models import CharField
from django.db.models.functions import Cast, TruncDate

from billing.api import money, product_ledger_totals

from .models import Campaign, Pledge
from .services import PLEDGE_KIND

VIEWS_KEY = "campaign-views:v1:{pk}"  # tenant-prefixed by the cache key function
VIEWS_SECONDS = 400 * 24 * 3600


def view_count(campaign: Campaign) -> None:
    """One public page view (a cache counter: no database write on the page people read most)."""
    from django.core.cache import cache

    key = VIEWS_KEY.format(pk=campaign.pk)
    try:
        cache.incr(key)  # one round trip once the counter exists (every view but the first)
    except ValueError:  # no counter yet (or it expired)
        if not cache.add(key, 1, VIEWS_SECONDS):
            cache.incr(key)  # another request made it in between


def conversion(campaign: Campaign) -> dict:
    """Page views (kept in the cache) -> pledges (with a saved card or collected)."""
    from django.core.cache import cache

    views = int(cache.get(VIEWS_KEY.format(pk=campaign.pk)) or 0)
    pledges = campaign.pledges.filter(status__in=COUNTED).count()
    return {"views": views, "pledges": pledges, "percent": f"{pledges * 100 / views:.1f}" if views else "—"}


COUNTED = (Pledge.Status.ACTIVE, Pledge.Status.COLLECTED, Pledge.Status.AUTHENTICATION_REQUIRED)
WIDTH, HEIGHT, PAD = 640, 200, 28


def pledges_over_time(campaign: Campaign) -> dict:
    """Cumulative pledged amount per day -> {"points": "x,y ...", "days", "total_label", "max_label", ...}."""
    rows = list(campaign.pledges.filter(status__in=COUNTED).annotate(day=TruncDate("created_at")).values("day")
                .annotate(amount=Sum("amount"), n=Count("pk")).order_by("day"))
    if not rows:
        return {"points": "", "days": 0}
    first, last = rows[0]["day"], rows[-1]["day"]
    span = max((last - first).days, 1)
    running, cumulative = 0, []
    for row in rows:
        running += row["amount"]
        cumulative.append((row["day"], running))
    top = max(running, campaign.goal_amount)
    def xy(day, amount):
        x = PAD + (WIDTH - 2 * PAD) * ((day - first).days / span)
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (amount / top)
        return f"{x:.1f},{y:.1f}"
    points = " ".join(xy(day, amount) for day, amount in cumulative)
    goal_y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (campaign.goal_amount / top)
    return {"points": points, "days": len(rows), "first": first, "last": last or first + timedelta(days=1),
            "goal_y": f"{goal_y:.1f}", "width": WIDTH, "height": HEIGHT, "pad": PAD,
            "total_label": money.format_minor(running, campaign.currency),
            "goal_label": money.format_minor(campaign.goal_amount, campaign.currency)}


def tier_counts(campaign: Campaign) -> list[dict]:
    rows = campaign.tiers.annotate(backers=Count("pledges", filter=Q(pledges__status__in=COUNTED)),
                                   pledged=Sum("pledges__amount", filter=Q(pledges__status__in=COUNTED)))
    out = [{"title": t.title, "backers": t.backers, "pledged": money.format_minor(t.pledged or 0, campaign.currency)}
           for t in rows]
    no_reward = campaign.pledges.filter(status__in=COUNTED, tier__isnull=True).aggregate(n=Count("pk"), s=Sum("amount"))
    out.append({"title": "No reward", "backers": no_reward["n"],
                "pledged": money.format_minor(no_reward["s"] or 0, campaign.currency)})
    return out


def backers_csv_rows(campaign: Campaign):
    """name (or "Anonymous"), email, reward, amount, state — read 500 rows at a time."""
    yield ["name", "email", "reward", "amount", "currency", "state"]
    rows = campaign.pledges.select_related("backer", "tier").order_by("pk")
    for p in rows.iterator(chunk_size=500):
        name = "Anonymous" if p.anonymous else (p.backer.get_full_name() or p.backer.email)
        yield (name, p.backer.email, p.tier.title if p.tier else "", money.from_minor(p.amount, p.currency), p.currency,
               p.status)


def money_collected(campaign: Campaign) -> dict | None:
    """What the campaign's collected pledges brought, read from billing's ledger (not from the
    pledges): gross, refunded, the platform's fee (destination charges: the platform pays the
    processor's fees out of it), those processor fees, and the institution's net. None before
    anything was collected."""
    refs = campaign.pledges.annotate(ref=Cast("public_id", CharField())).values("ref")
    figures = product_ledger_totals(kind=PLEDGE_KIND, refs=refs).get(campaign.currency)
    if not figures:
        return None
    figures = {"gross": figures["gross"], "refunded": figures["refunded"],
               "platform_fee": figures["platform_fees"] + figures["processor_fees"],
               "processor_fees": figures["processor_fees"], "institution_net": figures["institution_net"]}
    return {**figures, "labels": {name: money.format_minor(value, campaign.currency) for name, value in figures.items()}}
