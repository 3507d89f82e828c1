"""Scholarship pages: staff set a campaign's seats, award seats and pick applicants
(/manage/campaigns/<slug>/scholarships/...); learners apply (/campaigns/<slug>/scholarship/)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from billing.api import money

from . import scholarships, selectors, services
from .forms import ScholarshipApplicationForm, ScholarshipSetupForm, SeatAwardForm
from .models import Campaign, ScholarshipApplication, ScholarshipSeat
from .views import errors_to_form, feature_required, messages_of
from .views_manage import _campaign_or_404 as _managed
from .views_manage import staff_required as _staff_required


def _status_of(exc: ValidationError) -> int:
    return 409 if getattr(exc, "code", None) in scholarships.CONFLICTS else 400


def _page(request, campaign: Campaign, *, setup_form=None, award_form=None, award_seat=None, status=200):
    seats = list(scholarships.seats_of(campaign)) if campaign.is_scholarship else []
    available = [s for s in seats if s.state == ScholarshipSeat.State.AVAILABLE]
    setup_open = campaign.state in services.EDITABLE_STATES
    return render(request, "crowdfunding/manage/scholarships.html", {
        "campaign": campaign, "seats": seats, "available": len(available),
        "awarded": len(seats) - len(available),
        "seat_amount": money.format_minor(campaign.seat_amount, campaign.currency) if campaign.seat_amount else "",
        "goal": money.format_minor(campaign.goal_amount, campaign.currency),
        "applications": list(scholarships.applications_of(campaign)) if campaign.is_scholarship else [],
        "setup_open": setup_open,
        "setup_form": setup_form or (ScholarshipSetupForm(campaign=campaign) if setup_open else None),
        "award_form": award_form or SeatAwardForm(), "award_seat": award_seat,
    }, status=status)


@require_http_methods(["GET", "POST"])
@_staff_required
def manage_page(request, slug: str):
    campaign = _managed(request, slug)
    if request.method == "GET":
        return _page(request, campaign)
    form = ScholarshipSetupForm(request.POST, campaign=campaign)
    if form.is_valid():
        kind, ref = form.cleaned_data["target"]
        try:
            campaign = scholarships.campaign_seats_set(
                campaign=campaign, actor=request.user, seat_kind=kind, seat_ref=ref,
                seat_amount=form.cleaned_data["seat_amount"], seats_wanted=form.cleaned_data["seats_wanted"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"The campaign funds {campaign.seats_wanted} seat{'s' if campaign.seats_wanted != 1 else ''} "
                                      f"in “{campaign.seat_title}”; its goal is "
                                      f"{money.format_minor(campaign.goal_amount, campaign.currency)}.")
            return redirect("crowdfunding_manage:scholarships", campaign.slug)
    return _page(request, campaign, setup_form=form, status=400)


@require_POST
@_staff_required
def seat_award(request, slug: str, public_id):
    campaign = _managed(request, slug)
    seat = ScholarshipSeat.objects.filter(campaign=campaign, public_id=public_id).first()
    if seat is None:
        raise Http404("No such seat")
    form = SeatAwardForm(request.POST)
    if form.is_valid():
        try:
            seat = scholarships.seat_award_by_email(seat=seat, email=form.cleaned_data["email"], actor=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
            return _page(request, campaign, award_form=form, award_seat=seat, status=_status_of(exc))
        messages.success(request, f"Seat {seat.number} awarded to {seat.awarded_to.email}, who is now enrolled "
                                  f"in “{campaign.seat_title}” and was emailed.")
        return redirect("crowdfunding_manage:scholarships", campaign.slug)
    return _page(request, campaign, award_form=form, award_seat=seat, status=400)


@require_POST
@_staff_required
def application_decide(request, slug: str, public_id):
    campaign = _managed(request, slug)
    application = ScholarshipApplication.objects.filter(campaign=campaign, public_id=public_id).first()
    if application is None:
        raise Http404("No such application")
    decision = request.POST.get("decision", "")
    try:
        application = scholarships.application_decide(application=application, actor=request.user, decision=decision)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
        return redirect("crowdfunding_manage:scholarships", campaign.slug)
    if application.state == ScholarshipApplication.State.AWARDED:
        messages.success(request, f"{application.applicant.email} was awarded a seat and enrolled.")
    else:
        messages.success(request, f"The application of {application.applicant.email} was declined.")
    return redirect("crowdfunding_manage:scholarships", campaign.slug)


@require_http_methods(["GET", "POST"])
@feature_required
@login_required
def apply(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None or not campaign.is_scholarship:
        raise Http404("No such campaign")
    existing = ScholarshipApplication.objects.filter(campaign=campaign, applicant=request.user).first()
    form = ScholarshipApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                scholarships.scholarship_apply(campaign=campaign, applicant=request.user,
                                               motivation=form.cleaned_data["motivation"])
            except ValidationError as exc:
                errors_to_form(form, exc)
                status = _status_of(exc)
            else:
                messages.success(request, "Your application was sent. You will get an email if you are awarded a seat.")
                return redirect("crowdfunding:my-pledges")
    return render(request, "crowdfunding/scholarship_apply.html", {
        "campaign": campaign, "form": form, "application": existing,
        "open": scholarships.applications_open(campaign)}, status=status)
