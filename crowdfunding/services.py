"""Writes of crowdfunding: campaigns and their state machine, tiers, pledges (card saved, nothing charged).

State machine (ALLOWED): draft -> in_review (when the institution reviews campaigns) -> live
-> successful | failed -> settled; draft, in_review and live may be cancelled by staff. A live
campaign's goal is never lowered and its deadline never shortened; the deadline may be
extended once (backers are told). Every state change is audited.

Quantity-limited tiers never oversell: a place is taken with one conditional UPDATE
(`quantity_claimed < quantity_limit`) in the pledge's transaction and given back when the
pledge is cancelled, moves to another tier, or its card page expires.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from billing.api import (CardSetupUnavailable, card_customer_create, card_setup_result, card_setup_start, feature_check,
                         money, tenant_currency)
from tenant_apps.accounts.api import Role, image_kind, is_tenant_admin, role_of
from tenants.api import audit_log, site_url_for_tenant

from .markdown import render_markdown
from .models import Campaign, CrowdfundingSettings, FaqEntry, Pledge, RewardTier, StretchGoal
from .page_cache import campaign_page_changed

logger = logging.getLogger(__name__)

PLEDGE_KIND = "pledge"  # metadata.kind of our setup-mode Checkout sessions
S = Campaign.State
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.IN_REVIEW, S.LIVE, S.CANCELLED},
    S.IN_REVIEW: {S.DRAFT, S.LIVE, S.CANCELLED},
    S.LIVE: {S.SUCCESSFUL, S.FAILED, S.CANCELLED},
    S.SUCCESSFUL: {S.SETTLED},
    S.FAILED: {S.SETTLED},
    S.SETTLED: set(),
    S.CANCELLED: set(),
}
EDITABLE_STATES = {S.DRAFT, S.IN_REVIEW, S.LIVE}
SOLD_OUT = "This reward is sold out; choose another reward or pledge without one."


# --- settings and permissions --------------------------------------------------------------------

def settings_get() -> CrowdfundingSettings:
    row, _ = CrowdfundingSettings.objects.get_or_create(pk=1)
    return row


def settings_update(*, actor, require_review: bool, instructors_may_manage: bool,
                    minimum_pledge: int | None) -> CrowdfundingSettings:
    with transaction.atomic():
        row = CrowdfundingSettings.objects.select_for_update().get(pk=settings_get().pk)
        before = {"require_review": row.require_review, "instructors_may_manage": row.instructors_may_manage,
                  "minimum_pledge": row.minimum_pledge}
        row.require_review, row.instructors_may_manage = require_review, instructors_may_manage
        row.minimum_pledge = minimum_pledge or None
        row.save()
        audit_log(action="crowdfunding.settings", actor=actor, target=row, before=before, after={
            "require_review": require_review, "instructors_may_manage": instructors_may_manage,
            "minimum_pledge": row.minimum_pledge})
    return row


def minimum_pledge() -> int:
    """The institution's smallest pledge in minor units (default: one unit of its currency)."""
    configured = settings_get().minimum_pledge
    return configured or 10 ** money.currency_exponent(tenant_currency())


def _is_admin(user) -> bool:
    return is_tenant_admin(user)


def can_manage_campaigns(user) -> bool:
    """Administrators, and instructors when the institution allows them."""
    if _is_admin(user):
        return True
    return role_of(user) == Role.INSTRUCTOR and user.is_active and settings_get().instructors_may_manage


def can_manage(user, campaign: Campaign) -> bool:
    """Administrators run every campaign; allowed instructors their own."""
    return _is_admin(user) or (can_manage_campaigns(user) and campaign.created_by_id == user.pk)


def _manage_check(user, campaign: Campaign) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied


# --- campaigns ------------------------------------------------------------------------------------

RESERVED_SLUGS = {"my-pledges", "new", "settings"}  # page addresses beside /campaigns/<slug>/


def _slug_for(title: str, slug: str = "") -> str:
    base = slugify(slug or title)[:70] or "campaign"
    if base in RESERVED_SLUGS:
        if slug:
            raise ValidationError({"slug": f"“{base}” is reserved; choose another address."})
        base = f"{base}-campaign"
    if slug:
        if Campaign.objects.filter(slug=base).exists():
            raise ValidationError({"slug": f"There is already a campaign at “{base}”."})
        return base
    candidate, n = base, 1
    while Campaign.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _dates_check(*, starts_at: datetime | None, deadline: datetime, now: datetime | None = None) -> None:
    now = now or timezone.now()
    if deadline <= now:
        raise ValidationError({"deadline": "The deadline must be in the future."})
    if starts_at is not None and starts_at >= deadline:
        raise ValidationError({"deadline": "The deadline must be after the start."})
    if deadline - (starts_at or now) > timedelta(days=366):
        raise ValidationError({"deadline": "A campaign runs at most a year."})


def campaign_create(*, actor, title: str, pitch: str, deadline: datetime, goal_amount: int | None = None,
                    story: str = "", slug: str = "", category: str = Campaign.Category.OTHER, video_url: str = "",
                    starts_at: datetime | None = None, cover=None, seat_kind: str = "", seat_ref: str = "",
                    seat_amount: int | None = None, seats_wanted: int | None = None) -> Campaign:
    """A draft. With `seat_kind`/`seat_ref` it funds scholarship seats (crowdfunding/scholarships.py):
    the goal is then seats_wanted x seat_amount (the list price by default), not typed."""
    feature_check("crowdfunding")
    if not can_manage_campaigns(actor):
        raise PermissionDenied
    terms = {}
    if seat_kind or seat_ref:
        from .scholarships import scholarship_terms

        terms = scholarship_terms(seat_kind=seat_kind, seat_ref=seat_ref, seat_amount=seat_amount,
                                  seats_wanted=seats_wanted)
        if goal_amount and goal_amount != terms["goal_amount"]:
            raise ValidationError({"goal_amount": "A scholarship campaign's goal is seats × amount per seat "
                                                  f"({money.format_minor(terms['goal_amount'], tenant_currency())}): "
                                                  "leave the goal empty."})
        goal_amount = terms.pop("goal_amount")
    if not goal_amount or goal_amount <= 0:
        raise ValidationError({"goal_amount": "Enter a goal above zero."})
    _dates_check(starts_at=starts_at, deadline=deadline)
    with transaction.atomic():
        campaign = Campaign(title=title.strip(), pitch=pitch.strip(), story=story, story_html=render_markdown(story),
                            slug=_slug_for(title, slug),
                            category=category, video_url=video_url, goal_amount=goal_amount,
                            currency=tenant_currency(), starts_at=starts_at, deadline=deadline, created_by=actor,
                            **terms)
        campaign.full_clean(exclude=["cover"])
        campaign.save()
        if cover is not None:
            cover_set(campaign=campaign, upload=cover, actor=actor, audit=False)
        audit_log(action="campaign.create", actor=actor, target=campaign,
                  after={"slug": campaign.slug, "goal": goal_amount, "currency": campaign.currency,
                         "deadline": deadline.isoformat(), **({k: v for k, v in terms.items() if k != "seat_url"})})
    return campaign


COVER_MAX_BYTES = 5 * 1024 * 1024


def cover_set(*, campaign: Campaign, upload, actor, audit: bool = True) -> Campaign:
    if upload.size is not None and upload.size > COVER_MAX_BYTES:
        raise ValidationError({"cover": "The image is too large: the limit is 5 MB."})
    upload.seek(0)
    kind = image_kind(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise ValidationError({"cover": "Upload a PNG, JPEG or WebP image."})
    campaign.cover.save(f"{campaign.public_id}.{kind}", upload, save=False)
    Campaign.objects.filter(pk=campaign.pk).update(cover=campaign.cover.name)
    campaign_page_changed(campaign.pk)
    if audit:
        audit_log(action="campaign.cover", actor=actor, target=campaign, after={"cover": campaign.cover.name})
    return campaign


UPDATABLE = {"title", "pitch", "story", "category", "video_url", "goal_amount", "starts_at", "deadline", "slug"}


def campaign_update(*, campaign: Campaign, actor, **changes) -> Campaign:
    """Edit a campaign. Draft/in review: anything. Live: the goal may only rise, the deadline
    only move later and only once (backers are emailed); slug and start are fixed."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state not in EDITABLE_STATES:
            raise ValidationError(f"A {campaign.get_state_display().lower()} campaign cannot be edited.", code="not_editable")
        changes = {k: v for k, v in changes.items() if getattr(campaign, k) != v}
        before = {k: _plain(getattr(campaign, k)) for k in changes}
        extended = False
        if campaign.is_live:
            if "slug" in changes:
                raise ValidationError({"slug": "A live campaign's address cannot change."})
            if "starts_at" in changes:
                raise ValidationError({"starts_at": "A live campaign's start cannot change."})
            if "goal_amount" in changes and changes["goal_amount"] < campaign.goal_amount:
                raise ValidationError({"goal_amount": "A live campaign's goal cannot be lowered."})
            if "deadline" in changes:
                new = changes["deadline"]
                if new < campaign.deadline:
                    raise ValidationError({"deadline": "A live campaign's deadline cannot be brought forward."})
                if campaign.deadline_extended:
                    raise ValidationError({"deadline": "The deadline has already been extended once."})
                if campaign.deadline <= timezone.now():
                    raise ValidationError({"deadline": "The deadline has passed."})
                if new - (campaign.starts_at or campaign.published_at or timezone.now()) > timedelta(days=366):
                    raise ValidationError({"deadline": "A campaign runs at most a year."})
                campaign.original_deadline = campaign.deadline
                extended = True
        elif "deadline" in changes or "starts_at" in changes:
            _dates_check(starts_at=changes.get("starts_at", campaign.starts_at),
                         deadline=changes.get("deadline", campaign.deadline))
        if "slug" in changes:
            changes["slug"] = _slug_for(campaign.title, changes["slug"])
        if "goal_amount" in changes and (not changes["goal_amount"] or changes["goal_amount"] <= 0):
            raise ValidationError({"goal_amount": "Enter a goal above zero."})
        if "goal_amount" in changes:
            from .scholarships import goal_check

            goal_check(campaign, changes["goal_amount"])
        for key, value in changes.items():
            setattr(campaign, key, value)
        if "story" in changes:
            campaign.story_html = render_markdown(campaign.story)
        campaign.full_clean(exclude=["cover"])
        campaign.save()
        campaign_page_changed(campaign.pk)
        if changes:
            audit_log(action="campaign.update", actor=actor, target=campaign, before=before,
                      after={k: _plain(v) for k, v in changes.items()})
        if extended:
            audit_log(action="campaign.deadline_extend", actor=actor, target=campaign,
                      before={"deadline": campaign.original_deadline.isoformat()},
                      after={"deadline": campaign.deadline.isoformat()})
            _backers_tell_extension(campaign)
    return campaign


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _backers_tell_extension(campaign: Campaign) -> None:
    from tenant_apps.notifications.api import notify  # one email each: backers never see one another's addresses

    backers = sorted(set(Pledge.objects.filter(campaign=campaign, status__in=Pledge.OPEN)
                         .values_list("backer_id", flat=True)))
    url = site_url_for_tenant(connection.tenant, f"/campaigns/{campaign.slug}/")
    notify("deadline_extended", backers, {
        "campaign": campaign, "url": url, "site_name": connection.tenant.name,
        "deadline": timezone.localtime(campaign.deadline).strftime("%d %B %Y, %H:%M %Z")},  # the site's zone
        url=f"/campaigns/{campaign.slug}/")


def _transition(campaign: Campaign, to: str, *, actor, action: str, extra: dict | None = None) -> Campaign:
    """Inside the caller's transaction with `campaign` locked."""
    if to not in ALLOWED[campaign.state]:
        raise ValidationError(f"A {campaign.get_state_display().lower()} campaign cannot become "
                              f"{Campaign.State(to).label.lower()}.", code="invalid_transition")
    before = campaign.state
    campaign.state = to
    campaign.save(update_fields=["state", "published_at", "finished_at", "starts_at", "updated_at"])
    campaign_page_changed(campaign.pk)
    audit_log(action=action, actor=actor, target=campaign, before={"state": before}, after={"state": to, **(extra or {})})
    return campaign


def _publishable_check(campaign: Campaign) -> None:
    if campaign.deadline <= timezone.now():
        raise ValidationError({"deadline": "The deadline has passed; move it later before publishing."})
    if not campaign.pitch:
        raise ValidationError({"pitch": "Write a pitch before publishing."})


def campaign_submit(*, campaign: Campaign, actor) -> Campaign:
    """Draft -> in review (institutions that review campaigns)."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not settings_get().require_review:
            raise ValidationError("Campaigns are not reviewed here: publish it.", code="no_review")
        _publishable_check(campaign)
        if campaign.state != S.DRAFT:
            raise ValidationError("Only a draft can be submitted for review.", code="invalid_transition")
        return _transition(campaign, S.IN_REVIEW, actor=actor, action="campaign.submit")


def campaign_return_to_draft(*, campaign: Campaign, actor) -> Campaign:
    """In review -> draft (an administrator sends it back)."""
    feature_check("crowdfunding")
    if not _is_admin(actor):
        raise PermissionDenied
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != S.IN_REVIEW:
            raise ValidationError("Only a campaign in review can be sent back.", code="invalid_transition")
        return _transition(campaign, S.DRAFT, actor=actor, action="campaign.return")


def campaign_publish(*, campaign: Campaign, actor) -> Campaign:
    """Go live: from draft (no review here) or from review (administrators only)."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        review = settings_get().require_review
        if campaign.state == S.DRAFT and review:
            raise ValidationError("Campaigns are reviewed here: submit it for review first.", code="review_required")
        if campaign.state == S.IN_REVIEW and not _is_admin(actor):
            raise PermissionDenied
        if campaign.state not in (S.DRAFT, S.IN_REVIEW):
            raise ValidationError(f"A {campaign.get_state_display().lower()} campaign cannot go live.",
                                  code="invalid_transition")
        _publishable_check(campaign)
        now = timezone.now()
        campaign.published_at = now
        if campaign.starts_at is None or campaign.starts_at < now:
            campaign.starts_at = now
        return _transition(campaign, S.LIVE, actor=actor, action="campaign.publish",
                           extra={"deadline": campaign.deadline.isoformat()})


def campaign_cancel(*, campaign: Campaign, actor) -> Campaign:
    """Staff stop a campaign before its end: open pledges are cancelled, nobody is charged."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.finished_at = timezone.now()
        _transition(campaign, S.CANCELLED, actor=actor, action="campaign.cancel")
        for pledge in Pledge.objects.select_for_update().filter(campaign=campaign, status__in=Pledge.OPEN):
            _pledge_close(pledge, status=Pledge.Status.CANCELLED, note="The campaign was cancelled; nothing was charged.")
    return campaign


def campaign_conclude(*, campaign: Campaign, pledged: int | None = None) -> Campaign:
    """At the deadline (settlement calls this): live -> successful if the goal is met, else failed.
    Idempotent; charging and the failed campaign's pledges are settlement's business."""
    from .selectors import campaign_totals

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state != S.LIVE:
            return campaign
        if campaign.deadline > timezone.now():
            raise ValidationError("The campaign is still running.", code="still_live")
        pledged = campaign_totals(campaign)["pledged"] if pledged is None else pledged
        campaign.finished_at = timezone.now()
        to = S.SUCCESSFUL if pledged >= campaign.goal_amount else S.FAILED
        campaign = _transition(campaign, to, actor=None, action=f"campaign.{to}", extra={"pledged": pledged})
        if to == S.SUCCESSFUL and campaign.is_scholarship:
            from .scholarships import seats_open

            # the goal is met: the seats wanted open now; stretch seats follow the money collected
            seats_open(campaign=campaign, count=campaign.seats_wanted)
        return campaign


# --- tiers, stretch goals, FAQ -------------------------------------------------------------------

def _content_editable(campaign: Campaign) -> None:
    if campaign.state not in EDITABLE_STATES:
        raise ValidationError(f"A {campaign.get_state_display().lower()} campaign cannot be changed.", code="not_editable")


def tier_create(*, campaign: Campaign, actor, title: str, minimum_amount: int, description: str = "",
                quantity_limit: int | None = None, estimated_delivery=None, shipping_note: str = "") -> RewardTier:
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    _content_editable(campaign)
    if not minimum_amount or minimum_amount < minimum_pledge():
        raise ValidationError({"minimum_amount": "The minimum is at least "
                                                 f"{money.format_minor(minimum_pledge(), campaign.currency)}."})
    if estimated_delivery is not None:
        estimated_delivery = estimated_delivery.replace(day=1)
    with transaction.atomic():
        tier = RewardTier(campaign=campaign, title=title.strip(), description=description, minimum_amount=minimum_amount,
                          quantity_limit=quantity_limit or None, estimated_delivery=estimated_delivery,
                          shipping_note=shipping_note.strip())
        tier.full_clean()
        tier.save()
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.tier_create", actor=actor, target=campaign,
                  after={"tier": str(tier.public_id), "title": tier.title, "minimum": minimum_amount,
                         "quantity_limit": tier.quantity_limit})
    return tier


def tier_close(*, tier: RewardTier, actor) -> RewardTier:
    """No new pledges choose it; pledges that did keep it. Tiers are never deleted."""
    feature_check("crowdfunding")
    _manage_check(actor, tier.campaign)
    with transaction.atomic():
        RewardTier.objects.filter(pk=tier.pk).update(closed=True)
        campaign_page_changed(tier.campaign_id)
        tier.refresh_from_db()
        audit_log(action="campaign.tier_close", actor=actor, target=tier.campaign, after={"tier": str(tier.public_id)})
    return tier


def stretch_goal_add(*, campaign: Campaign, actor, amount: int, text: str) -> StretchGoal:
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    _content_editable(campaign)
    if not amount or amount <= campaign.goal_amount:
        raise ValidationError({"amount": "A stretch goal is above the campaign's goal."})
    goal = StretchGoal(campaign=campaign, amount=amount, text=text.strip())
    goal.full_clean()
    with transaction.atomic():
        goal.save()
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.stretch_goal_add", actor=actor, target=campaign, after={"amount": amount})
    return goal


def faq_add(*, campaign: Campaign, actor, question: str, answer: str) -> FaqEntry:
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    _content_editable(campaign)
    entry = FaqEntry(campaign=campaign, question=question.strip(), answer=answer.strip(),
                     position=campaign.faq.count() + 1)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.faq_add", actor=actor, target=campaign, after={"question": entry.question[:100]})
    return entry


# --- pledges ---------------------------------------------------------------------------------------

def _backing_open_check(campaign: Campaign) -> None:
    now = timezone.now()
    if not campaign.is_live or campaign.deadline <= now:
        raise ValidationError("This campaign is not taking pledges.", code="not_live")
    if campaign.starts_at and campaign.starts_at > now:
        raise ValidationError("This campaign has not started yet.", code="not_started")


def _amount_check(campaign: Campaign, tier: RewardTier | None, amount: int) -> None:
    floor = max(minimum_pledge(), tier.minimum_amount if tier else 0)
    if amount is None or amount < floor:
        what = "this reward" if tier else "a pledge"
        raise ValidationError({"amount": f"The minimum for {what} is {money.format_minor(floor, campaign.currency)}."})
    if amount > money.MAX_MINOR_UNITS:
        raise ValidationError({"amount": "The amount is too large."})


def _tier_of(campaign: Campaign, tier_id) -> RewardTier | None:
    if not tier_id:
        return None
    tier = RewardTier.objects.filter(campaign=campaign, public_id=tier_id).first() if _uuid_like(tier_id) else None
    if tier is None:
        raise ValidationError({"tier": "Choose one of this campaign's rewards."})
    if tier.closed:
        raise ValidationError({"tier": "This reward is closed; choose another."})
    return tier


def _uuid_like(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _tier_reserve(tier: RewardTier | None) -> None:
    """Take one place of `tier`, atomically: concurrent pledges cannot take more than there are."""
    if tier is None:
        return
    taken = (RewardTier.objects.filter(pk=tier.pk, closed=False)
             .filter(Q(quantity_limit__isnull=True) | Q(quantity_claimed__lt=F("quantity_limit")))
             .update(quantity_claimed=F("quantity_claimed") + 1))
    if not taken:
        raise ValidationError({"tier": SOLD_OUT}, code="sold_out")


def _tier_release(tier_id: int | None) -> None:
    if tier_id:
        RewardTier.objects.filter(pk=tier_id, quantity_claimed__gt=0).update(quantity_claimed=F("quantity_claimed") - 1)


def _pledge_close(pledge: Pledge, *, status: str, note: str = "") -> None:
    """Inside the caller's transaction with `pledge` locked and open: the place goes back."""
    _tier_release(pledge.tier_id)
    pledge.status, pledge.status_note = status, note[:500]
    pledge.save(update_fields=["status", "status_note", "updated_at"])


def _customer_for(backer, pledge: Pledge) -> str:
    """The backer's Stripe customer in this institution (reused across their pledges)."""
    known = (Pledge.objects.filter(backer=backer).exclude(stripe_customer_id="")
             .values_list("stripe_customer_id", flat=True).first())
    if known:
        return known
    return card_customer_create(
        email=backer.email, name=backer.get_full_name() or backer.email,
        metadata={"kind": PLEDGE_KIND, "tenant_schema": connection.schema_name, "backer": str(backer.pk)},
        idempotency=("pledge", pledge.public_id, "customer"))


def pledge_create(*, backer, campaign: Campaign, amount: int, tier_id=None, anonymous: bool = False) -> Pledge:
    """A pledge waiting for its card, with its reward place held. Raises ValidationError
    (`sold_out`, amounts, campaign closed). No Stripe call: see `pledge_checkout_start`."""
    feature_check("crowdfunding")
    if not getattr(backer, "is_authenticated", False) or not backer.is_active:
        raise PermissionDenied
    _backing_open_check(campaign)
    tier = _tier_of(campaign, tier_id)
    _amount_check(campaign, tier, amount)
    with transaction.atomic():
        # An earlier pledge whose card was never saved is replaced (its place given back).
        for stale in Pledge.objects.select_for_update().filter(campaign=campaign, backer=backer,
                                                               status=Pledge.Status.PENDING_CARD):
            _pledge_close(stale, status=Pledge.Status.CANCELLED, note="Replaced by a newer pledge.")
        if Pledge.objects.filter(campaign=campaign, backer=backer, status=Pledge.Status.ACTIVE).exists():
            raise ValidationError("You already back this campaign: change or cancel that pledge on My pledges.",
                                  code="already_backing")
        _tier_reserve(tier)
        try:
            with transaction.atomic():
                pledge = Pledge.objects.create(campaign=campaign, backer=backer, tier=tier, amount=amount,
                                               currency=campaign.currency, anonymous=anonymous)
        except IntegrityError as exc:  # the same backer pledging twice at the same instant
            raise ValidationError("You already back this campaign.", code="already_backing") from exc
        campaign_page_changed(campaign.pk)  # the reward's places left
        audit_log(action="pledge.create", actor=backer, target=pledge,
                  after={"campaign": campaign.slug, "amount": amount, "tier": str(tier.public_id) if tier else None})
    return pledge


def pledge_checkout_start(*, pledge: Pledge, success_url: str, cancel_url: str) -> str:
    """Open Stripe Checkout in setup mode for the pledge's card; -> the URL to send the backer to.
    Nothing is charged: the card is saved for an off-session charge if the campaign succeeds."""
    if pledge.status != Pledge.Status.PENDING_CARD:
        raise ValidationError("This pledge does not need a card.", code="not_pending")
    backer, campaign = pledge.backer, pledge.campaign
    try:
        customer = pledge.stripe_customer_id or _customer_for(backer, pledge)
        metadata = {"kind": PLEDGE_KIND, "tenant_schema": connection.schema_name, "pledge_id": str(pledge.public_id)}
        session = card_setup_start(
            customer_id=customer, currency=pledge.currency, reference=str(pledge.public_id), success_url=success_url,
            cancel_url=cancel_url, metadata=metadata, description=f"Pledge to {campaign.title}",
            idempotency=("pledge", pledge.public_id, "setup"))
    except CardSetupUnavailable as exc:
        logger.warning("setup checkout for pledge %s refused by Stripe: %s", pledge.public_id, exc)
        with transaction.atomic():
            locked = Pledge.objects.select_for_update().get(pk=pledge.pk)
            if locked.status == Pledge.Status.PENDING_CARD:
                _pledge_close(locked, status=Pledge.Status.CANCELLED, note="The card page could not be opened.")
                campaign_page_changed(locked.campaign_id)
        raise ValidationError("The card page could not be opened; nothing was saved or charged. Try again in a moment.",
                              code="checkout_unavailable") from exc
    Pledge.objects.filter(pk=pledge.pk).update(stripe_customer_id=customer, stripe_checkout_session_id=session.id)
    pledge.stripe_customer_id, pledge.stripe_checkout_session_id = customer, session.id
    return session.url


def pledge_card_saved(*, pledge_id: str, session_id: str) -> Pledge | None:
    """Webhook (`checkout.session.completed`, setup mode): re-read the session and its SetupIntent
    from Stripe, then activate the pledge. Idempotent, forward-only; a session that is not the
    pledge's own changes nothing."""
    card = card_setup_result(session_id=session_id)
    if card is None:
        return None
    intent_id, method = card.setup_intent_id, card.payment_method_id
    with transaction.atomic():
        pledge = _pledge_for_session(pledge_id, session_id)
        if pledge is None or pledge.status != Pledge.Status.PENDING_CARD:
            return pledge
        pledge.stripe_setup_intent_id, pledge.stripe_payment_method_id = intent_id, method or ""
        pledge.stripe_customer_id = card.customer_id or pledge.stripe_customer_id
        campaign = Campaign.objects.get(pk=pledge.campaign_id)
        campaign_page_changed(campaign.pk)  # a backer more, or a place given back
        if not campaign.is_live or campaign.deadline <= timezone.now():
            _pledge_close(pledge, status=Pledge.Status.CANCELLED,
                          note="The campaign closed before the card was saved; nothing will be charged.")
            pledge.save(update_fields=["stripe_setup_intent_id", "stripe_payment_method_id", "stripe_customer_id"])
            return pledge
        pledge.status, pledge.status_note = Pledge.Status.ACTIVE, ""
        pledge.save()
        audit_log(action="pledge.activate", actor=None, target=pledge,
                  after={"setup_intent": intent_id, "campaign": campaign.slug})
    return pledge


def pledge_card_expired(*, pledge_id: str, session_id: str) -> Pledge | None:
    """Webhook (`checkout.session.expired`): the card was never saved; the place goes back."""
    with transaction.atomic():
        pledge = _pledge_for_session(pledge_id, session_id)
        if pledge is None or pledge.status != Pledge.Status.PENDING_CARD:
            return pledge
        _pledge_close(pledge, status=Pledge.Status.CANCELLED, note="The card page expired; nothing was saved.")
        campaign_page_changed(pledge.campaign_id)
    return pledge


def _pledge_for_session(pledge_id: str, session_id: str) -> Pledge | None:
    if not _uuid_like(pledge_id):
        return None
    pledge = Pledge.objects.select_for_update().filter(public_id=pledge_id).first()
    if pledge is None or pledge.stripe_checkout_session_id != session_id:
        logger.warning("setup session %s names pledge %s, which is not its pledge here", session_id, str(pledge_id)[:40])
        return None
    return pledge


def _backer_editable(pledge: Pledge, backer) -> Pledge:
    """Lock the backer's own open pledge of a campaign still taking pledges."""
    locked = Pledge.objects.select_for_update().select_related("campaign").filter(pk=pledge.pk, backer=backer).first()
    if locked is None:
        raise PermissionDenied
    if not locked.is_open:
        raise ValidationError(f"This pledge is {locked.get_status_display().lower()}; it can no longer change.",
                              code="not_open")
    campaign = locked.campaign
    if not campaign.is_live or campaign.deadline <= timezone.now():
        raise ValidationError("The campaign has ended; pledges can no longer change.", code="not_live")
    return locked


def pledge_change(*, pledge: Pledge, backer, amount: int, tier_id=None, anonymous: bool | None = None) -> Pledge:
    """The backer picks another reward and/or amount while the campaign is live (same card)."""
    feature_check("crowdfunding")
    with transaction.atomic():
        pledge = _backer_editable(pledge, backer)
        campaign = pledge.campaign
        tier = pledge.tier if tier_id and pledge.tier and str(pledge.tier.public_id) == str(tier_id) else None
        if tier is None and tier_id:
            tier = _tier_of(campaign, tier_id)
        _amount_check(campaign, tier, amount)
        before = {"amount": pledge.amount, "tier": str(pledge.tier.public_id) if pledge.tier else None}
        if (tier.pk if tier else None) != pledge.tier_id:
            _tier_reserve(tier)
            _tier_release(pledge.tier_id)
            pledge.tier = tier
        pledge.amount = amount
        if anonymous is not None:
            pledge.anonymous = anonymous
        pledge.save()
        campaign_page_changed(campaign.pk)
        audit_log(action="pledge.change", actor=backer, target=pledge, before=before,
                  after={"amount": amount, "tier": str(tier.public_id) if tier else None})
    return pledge


def pledge_cancel(*, pledge: Pledge, backer) -> Pledge:
    feature_check("crowdfunding")
    with transaction.atomic():
        pledge = _backer_editable(pledge, backer)
        _pledge_close(pledge, status=Pledge.Status.CANCELLED, note="Cancelled by the backer; nothing was charged.")
        campaign_page_changed(pledge.campaign_id)
        audit_log(action="pledge.cancel", actor=backer, target=pledge, after={"campaign": pledge.campaign.slug})
    return pledge
