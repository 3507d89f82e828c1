"""Scholarship campaigns: a campaign funds seats in a course or track; its seats are awarded into enrollments.

- Set-up: the campaign names a seat target (crowdfunding/seats.py: kind "course" or "track" and
  its reference), an amount per seat (default: the list price) and the seats wanted; its goal is
  seats x amount, computed, never typed. While live the goal may only rise (more seats or a
  dearer seat), the target is fixed.
- Seats are counted in two steps (docs/decisions/0014): when the campaign succeeds, the seats
  wanted are opened at once (the goal is met; all or nothing means the institution honours
  them); when settlement ends, and whenever a late on-session payment collects a pledge,
  every full seat's worth of money actually collected above the goal opens one more seat
  (partial stretch): floor(collected / seat amount). Seats are numbered 1..N per campaign and
  created with ON CONFLICT DO NOTHING, so running it again opens no extra seat; seats are never
  taken back.
- Awarding: staff give an available seat to a member of the institution (by email) or pick an
  applicant; the learner is enrolled through the seat target's provider with source
  "scholarship" in the same transaction (a refused enrollment leaves the seat available),
  the award is audited and the learner emailed. A seat is awarded once; a learner holds at
  most one seat of a campaign.
- Applying: a learner sends a short motivation while the campaign is live, or after it
  succeeded while a seat is open; one application per learner and campaign.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from billing.api import feature_check, money, tenant_currency
from tenants.api import audit_log, site_url_for_tenant

from .models import Campaign, Pledge, ScholarshipApplication, ScholarshipSeat
from .page_cache import campaign_page_changed
from .seats import seat_target_get
from .services import EDITABLE_STATES, _manage_check, can_manage

S = Campaign.State
MOTIVATION_MAX = 2000
AWARDABLE_STATES = (S.SUCCESSFUL, S.SETTLED)
# ValidationError codes that mean "the request is fine, the state says no": 409 in the API
CONFLICTS = {"already_awarded", "already_applied", "already_holds_seat", "no_seat_left", "already_decided"}


# --- set-up -----------------------------------------------------------------------------------------

def seat_amount_default(*, seat_kind: str, seat_ref: str) -> int | None:
    """The course/track's list price when it is in the institution's currency (else None)."""
    target = seat_target_get(seat_kind, seat_ref)
    if target.price_amount and target.currency.upper() == tenant_currency().upper():
        return target.price_amount
    return None


def scholarship_terms(*, seat_kind: str, seat_ref: str, seat_amount: int | None, seats_wanted: int | None) -> dict:
    """The campaign fields of a scholarship campaign, validated, with the goal computed."""
    target = seat_target_get(seat_kind, seat_ref)
    if not seat_amount:
        seat_amount = seat_amount_default(seat_kind=seat_kind, seat_ref=seat_ref)
        if not seat_amount:
            raise ValidationError({"seat_amount": f"“{target.title}” has no price in {tenant_currency()}: "
                                                  "enter the amount one seat costs."})
    if not seats_wanted or seats_wanted < 1:
        raise ValidationError({"seats_wanted": "Fund at least one seat."})
    if seats_wanted > 100_000:
        raise ValidationError({"seats_wanted": "At most 100,000 seats."})
    goal = seat_amount * seats_wanted
    if goal > money.MAX_MINOR_UNITS:
        raise ValidationError({"seats_wanted": "Seats × amount per seat is too large an amount."})
    return {"seat_kind": target.kind, "seat_ref": target.ref, "seat_title": target.title[:200],
            "seat_url": target.url[:300], "seat_amount": seat_amount, "seats_wanted": seats_wanted,
            "goal_amount": goal}


def campaign_seats_set(*, campaign: Campaign, actor, seat_kind: str, seat_ref: str, seats_wanted: int,
                       seat_amount: int | None = None) -> Campaign:
    """Make `campaign` fund seats (or change its seats). Draft/in review: anything; live: the same
    course/track, and the goal (seats x amount) never falls."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.state not in EDITABLE_STATES:
            raise ValidationError(f"A {campaign.get_state_display().lower()} campaign's seats cannot change.",
                                  code="not_editable")
        if campaign.is_live and (seat_kind, str(seat_ref)) != (campaign.seat_kind, campaign.seat_ref):
            raise ValidationError({"target": "A live campaign's course or track cannot change."})
        terms = scholarship_terms(seat_kind=seat_kind, seat_ref=seat_ref, seat_amount=seat_amount,
                                  seats_wanted=seats_wanted)
        if campaign.is_live and terms["goal_amount"] < campaign.goal_amount:
            raise ValidationError({"seats_wanted": "A live campaign's goal cannot be lowered: keep at least "
                                                   f"{money.format_minor(campaign.goal_amount, campaign.currency)}."})
        before = {k: getattr(campaign, k) for k in terms}
        for key, value in terms.items():
            setattr(campaign, key, value)
        campaign.full_clean(exclude=["cover"])
        campaign.save()
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.scholarship_set", actor=actor, target=campaign, before=before, after=terms)
    return campaign


def goal_check(campaign: Campaign, goal_amount: int) -> None:
    """campaign_update: a scholarship campaign's goal follows its seats."""
    if campaign.is_scholarship and goal_amount != (campaign.seat_amount or 0) * (campaign.seats_wanted or 0):
        raise ValidationError({"goal_amount": "A scholarship campaign's goal is seats × amount per seat: "
                                              "change the seats instead."})


# --- seats ------------------------------------------------------------------------------------------

def collected_total(campaign: Campaign) -> int:
    return Pledge.objects.filter(campaign=campaign, status=Pledge.Status.COLLECTED).aggregate(
        total=Sum("amount"))["total"] or 0


def seats_due(campaign: Campaign, *, collected: int | None = None) -> int:
    """The seats wanted, plus one per full seat's worth collected above the goal."""
    if not campaign.is_scholarship or campaign.state not in AWARDABLE_STATES:
        return 0
    stretch = (collected // campaign.seat_amount) if collected is not None else 0
    return max(campaign.seats_wanted, stretch)


def seats_open(*, campaign: Campaign, count: int) -> int:
    """Seats 1..count exist for the campaign (none is created twice, none taken back); -> how many
    the campaign has. Inside the caller's transaction with the campaign locked, or alone."""
    if count <= 0 or not campaign.is_scholarship:
        return campaign.seats_opened
    with transaction.atomic():
        ScholarshipSeat.objects.bulk_create([ScholarshipSeat(campaign=campaign, number=n) for n in range(1, count + 1)],
                                            ignore_conflicts=True)
        total = ScholarshipSeat.objects.filter(campaign=campaign).count()
        if total != campaign.seats_opened:
            before = campaign.seats_opened
            Campaign.objects.filter(pk=campaign.pk).update(seats_opened=total, updated_at=timezone.now())
            campaign_page_changed(campaign.pk)
            campaign.seats_opened = total
            audit_log(action="campaign.seats_opened", actor=None, target=campaign,
                      before={"seats": before}, after={"seats": total, "target": f"{campaign.seat_kind}:{campaign.seat_ref}"})
    return total


def seats_open_for_collected(*, campaign_id: int) -> int:
    """After settlement (or a late payment): open the stretch seats the collected money pays for."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        return seats_open(campaign=campaign, count=seats_due(campaign, collected=collected_total(campaign)))


def _learner_by_email(email: str):
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        raise ValidationError({"email": "No active member of this institution has that email address."})
    return user


def _mail_awarded(seat: ScholarshipSeat, learner) -> None:
    campaign = seat.campaign
    from tenant_apps.notifications.api import notify

    notify("enrollment_scholarship", [learner], {
        "campaign": campaign, "learner": learner, "target_title": campaign.seat_title,
        "target_url": site_url_for_tenant(connection.tenant, campaign.seat_url or "/"),
        "site_name": connection.tenant.name}, url=campaign.seat_url or "/")


def seat_award(*, seat: ScholarshipSeat, learner, actor, application: ScholarshipApplication | None = None,
               ) -> ScholarshipSeat:
    """Give `seat` to `learner`: enrolled with source "scholarship" in the same transaction."""
    from .seats import seat_target_provider

    feature_check("crowdfunding")
    _manage_check(actor, seat.campaign)
    with transaction.atomic():
        seat = (ScholarshipSeat.objects.select_for_update(of=("self",)).select_related("campaign", "awarded_to")
                .get(pk=seat.pk))
        campaign = seat.campaign
        if campaign.state not in AWARDABLE_STATES:
            raise ValidationError("Seats are awarded once the campaign has succeeded.", code="not_awardable")
        if seat.state != ScholarshipSeat.State.AVAILABLE:
            raise ValidationError(f"Seat {seat.number} has already been awarded to {seat.awarded_to.email}.",
                                  code="already_awarded")
        if not getattr(learner, "is_active", False):
            raise ValidationError({"email": "This account is not active."})
        if ScholarshipSeat.objects.filter(campaign=campaign, awarded_to=learner).exists():
            raise ValidationError(f"{learner.email} already holds a seat of this campaign.", code="already_holds_seat")
        with transaction.atomic():  # the enrollment and the seat commit together or not at all
            reference = seat_target_provider(campaign.seat_kind).enroll(campaign.seat_ref, learner, awarded_by=actor)
        now = timezone.now()
        seat.state, seat.awarded_to, seat.awarded_by, seat.awarded_at = ScholarshipSeat.State.AWARDED, learner, actor, now
        seat.enrollment_ref = str(reference or "")[:64]
        application = application or ScholarshipApplication.objects.filter(
            campaign=campaign, applicant=learner, state=ScholarshipApplication.State.PENDING).first()
        if application is not None:
            ScholarshipApplication.objects.filter(pk=application.pk).update(
                state=ScholarshipApplication.State.AWARDED, decided_by=actor, decided_at=now)
            seat.application = application
        try:
            with transaction.atomic():
                seat.save()
        except IntegrityError as exc:  # the same learner awarded another seat at the same instant
            raise ValidationError(f"{learner.email} already holds a seat of this campaign.",
                                  code="already_holds_seat") from exc
        audit_log(action="scholarship.award", actor=actor, target=campaign, after={
            "seat": seat.number, "learner": learner.email, "target": f"{campaign.seat_kind}:{campaign.seat_ref}",
            "enrollment": seat.enrollment_ref, "application": str(application.public_id) if application else None})
        _mail_awarded(seat, learner)
    return seat


def seat_award_by_email(*, seat: ScholarshipSeat, email: str, actor) -> ScholarshipSeat:
    return seat_award(seat=seat, learner=_learner_by_email(email), actor=actor)


def _next_available_seat(campaign: Campaign) -> ScholarshipSeat:
    seat = (ScholarshipSeat.objects.filter(campaign=campaign, state=ScholarshipSeat.State.AVAILABLE)
            .order_by("number").first())
    if seat is None:
        raise ValidationError("Every seat of this campaign has been awarded.", code="no_seat_left")
    return seat


def application_decide(*, application: ScholarshipApplication, actor, decision: str) -> ScholarshipApplication:
    """decision: "award" (the next available seat) or "reject"."""
    feature_check("crowdfunding")
    _manage_check(actor, application.campaign)
    if decision not in ("award", "reject"):
        raise ValidationError({"decision": "Choose award or reject."})
    with transaction.atomic():
        application = (ScholarshipApplication.objects.select_for_update(of=("self",))
                       .select_related("campaign", "applicant").get(pk=application.pk))
        if application.state != ScholarshipApplication.State.PENDING:
            raise ValidationError(f"This application has been decided: {application.get_state_display().lower()}.",
                                  code="already_decided")
        if decision == "award":
            seat_award(seat=_next_available_seat(application.campaign), learner=application.applicant, actor=actor,
                       application=application)
        else:
            application.state, application.decided_by, application.decided_at = (
                ScholarshipApplication.State.REJECTED, actor, timezone.now())
            application.save(update_fields=["state", "decided_by", "decided_at"])
            audit_log(action="scholarship.reject", actor=actor, target=application.campaign,
                      after={"application": str(application.public_id), "learner": application.applicant.email})
        application.refresh_from_db()
    return application


# --- applications -------------------------------------------------------------------------------------

def applications_open(campaign: Campaign) -> bool:
    """Live, or succeeded with a seat still to award."""
    if not campaign.is_scholarship:
        return False
    if campaign.is_live:
        return campaign.deadline > timezone.now()
    if campaign.state in AWARDABLE_STATES:
        return ScholarshipSeat.objects.filter(campaign=campaign, state=ScholarshipSeat.State.AVAILABLE).exists()
    return False


def scholarship_apply(*, campaign: Campaign, applicant, motivation: str) -> ScholarshipApplication:
    feature_check("crowdfunding")
    if not getattr(applicant, "is_authenticated", False) or not applicant.is_active:
        raise PermissionDenied
    motivation = (motivation or "").strip()
    if not motivation:
        raise ValidationError({"motivation": "Tell the institution in a few sentences why you are applying."})
    if len(motivation) > MOTIVATION_MAX:
        raise ValidationError({"motivation": f"At most {MOTIVATION_MAX} characters."})
    if "\x00" in motivation:
        raise ValidationError({"motivation": "The text contains characters that cannot be stored."})
    if not campaign.is_scholarship:
        raise ValidationError("This campaign does not fund scholarship seats.", code="not_scholarship")
    if not applications_open(campaign):
        raise ValidationError("This campaign is not taking scholarship applications.", code="applications_closed")
    if ScholarshipApplication.objects.filter(campaign=campaign, applicant=applicant).exists():
        raise ValidationError("You have already applied for a seat of this campaign.", code="already_applied")
    try:
        with transaction.atomic():
            application = ScholarshipApplication.objects.create(campaign=campaign, applicant=applicant,
                                                                 motivation=motivation)
            audit_log(action="scholarship.apply", actor=applicant, target=campaign,
                      after={"application": str(application.public_id)})
    except IntegrityError as exc:  # the same learner applying twice at the same instant
        raise ValidationError("You have already applied for a seat of this campaign.", code="already_applied") from exc
    return application


# --- reads ------------------------------------------------------------------------------------------

def seats_of(campaign: Campaign):
    return ScholarshipSeat.objects.filter(campaign=campaign).select_related("awarded_to", "application").order_by("number")


def applications_of(campaign: Campaign):
    return ScholarshipApplication.objects.filter(campaign=campaign).select_related("applicant").order_by("created_at", "pk")


def applications_of_learner(*, user):
    return ScholarshipApplication.objects.filter(applicant=user).select_related("campaign").order_by("-created_at")


def seat_counts(campaign: Campaign) -> dict:
    row = ScholarshipSeat.objects.filter(campaign=campaign).aggregate(
        opened=Count("pk"), awarded=Count("pk", filter=Q(state=ScholarshipSeat.State.AWARDED)))
    return {**row, "available": row["opened"] - row["awarded"]}


def backer_helped(*, campaign: Campaign, user) -> bool:
    """Did `user` back the campaign with a pledge that counts (card saved or collected)?"""
    if not getattr(user, "is_authenticated", False):
        return False
    return Pledge.objects.filter(campaign=campaign, backer=user,
                                 status__in=(Pledge.Status.ACTIVE, Pledge.Status.COLLECTED)).exists()


def page_context(*, campaign: Campaign, user) -> dict | None:
    """What the public campaign page says about seats (None: not a scholarship campaign; no query)."""
    if not campaign.is_scholarship:
        return None
    application = None
    if getattr(user, "is_authenticated", False):
        application = ScholarshipApplication.objects.filter(campaign=campaign, applicant=user).first()
    return {
        "seats_wanted": campaign.seats_wanted, "seats_opened": campaign.seats_opened,
        "seat_amount": money.format_minor(campaign.seat_amount, campaign.currency),
        "target_title": campaign.seat_title, "target_url": campaign.seat_url,
        "helped": campaign.seats_opened > 0 and backer_helped(campaign=campaign, user=user),
        "application": application, "can_apply": application is None and applications_open(campaign),
        "can_manage": getattr(user, "is_authenticated", False) and can_manage(user, campaign),
    }
