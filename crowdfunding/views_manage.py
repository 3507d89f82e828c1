"""Staff pages: /manage/campaigns/... (administrators, and instructors when the site allows):
list, create, edit, tiers, stretch goals, FAQ, review/publish/cancel, settings."""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from billing.api import PlanLimitExceeded, limit_refusal_html, money
from tenants.api import csv_streaming_response
from tenant_apps.accounts.api import tenant_admin_required

from . import dashboard, exports, selectors, services
from .forms import CampaignForm, FaqForm, SettingsForm, StretchGoalForm, TierForm, UpdateForm
from .models import Campaign, RewardTier
from .updates import update_post
from .views import errors_to_form, feature_required, messages_of


def staff_required(view):
    """Anonymous: to the login page. Not allowed to run campaigns: 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not services.can_manage_campaigns(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return feature_required(wrapper)


def _campaign_or_404(request, slug: str) -> Campaign:
    campaign = selectors.campaign_for_staff(user=request.user, slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    return campaign


@require_safe
@staff_required
def campaign_list(request):
    rows = [{"campaign": c, "pledged": money.format_minor(c.pledged_total, c.currency),
             "goal": money.format_minor(c.goal_amount, c.currency), "backers": c.backers_total}
            for c in selectors.campaigns_for_staff(user=request.user).order_by("-created_at")[:200]]
    return render(request, "crowdfunding/manage/list.html",
                  {"rows": rows, "is_admin": services._is_admin(request.user)})


@require_http_methods(["GET", "POST"])
@staff_required
def campaign_new(request):
    form = CampaignForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user, title=data["title"], slug=data["slug"], pitch=data["pitch"], story=data["story"],
                category=data["category"], goal_amount=data["goal_amount"], starts_at=data["starts_at"],
                deadline=data["deadline"], video_url=data["video_url"], cover=data["cover"])
        except PlanLimitExceeded as exc:
            form.add_error(None, limit_refusal_html(exc, user=request.user))
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"Campaign “{campaign.title}” created as a draft.")
            return redirect("crowdfunding_manage:campaign", campaign.slug)
    return render(request, "crowdfunding/manage/new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail(request, campaign: Campaign, *, form=None, tier_form=None, goal_form=None, faq_form=None, update_form=None,
            status=200):
    totals = selectors.campaign_totals(campaign)
    tiers = list(campaign.tiers.all())
    for tier in tiers:
        tier.minimum_label = money.format_minor(tier.minimum_amount, campaign.currency)
    review = services.settings_get().require_review
    admin = services._is_admin(request.user)
    S = Campaign.State
    actions = []
    if campaign.state == S.DRAFT and review:
        actions.append(("submit", "Submit for review"))
    if (campaign.state == S.DRAFT and not review) or (campaign.state == S.IN_REVIEW and admin):
        actions.append(("publish", "Publish (go live)"))
    if campaign.state == S.IN_REVIEW and admin:
        actions.append(("return", "Send back to draft"))
    if campaign.state in (S.DRAFT, S.IN_REVIEW, S.LIVE):
        actions.append(("cancel", "Cancel the campaign"))
    editable = campaign.state in services.EDITABLE_STATES
    from .settlement import settlement_progress

    settlement = settlement_progress(campaign) if campaign.state in (S.SUCCESSFUL, S.SETTLED) else None
    return render(request, "crowdfunding/manage/detail.html", {
        "settlement": settlement, "money": dashboard.money_collected(campaign) if settlement else None,
        "latest_export": exports.backers_export_latest(campaign=campaign),
        "direct_csv": totals["backers"] <= DIRECT_CSV_MAX_BACKERS,
        "chart": dashboard.pledges_over_time(campaign), "tier_counts": dashboard.tier_counts(campaign),
        "conversion": dashboard.conversion(campaign),
        "update_form": update_form or UpdateForm(prefix="update"), "updates": list(campaign.updates.all()[:20]),
        "can_post_updates": campaign.state not in (S.DRAFT, S.IN_REVIEW, S.CANCELLED),
        "collected_label": money.format_minor(settlement["collected_amount"], campaign.currency) if settlement else "",
        "campaign": campaign, "progress": selectors.progress_of(campaign, **totals), "tiers": tiers,
        "stretch_goals": [{"goal": g, "amount": money.format_minor(g.amount, campaign.currency)}
                          for g in campaign.stretch_goals.all()],
        "faq": list(campaign.faq.all()), "actions": actions, "editable": editable,
        "form": form or CampaignForm(campaign=campaign), "tier_form": tier_form or TierForm(prefix="tier"),
        "goal_form": goal_form or StretchGoalForm(prefix="goal"), "faq_form": faq_form or FaqForm(prefix="faq"),
    }, status=status)


DIRECT_CSV_MAX_BACKERS = 1000  # up to this many, the page also offers the CSV at once


def _same_minute(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


@require_http_methods(["GET", "POST"])
@staff_required
def campaign_detail(request, slug: str):
    campaign = _campaign_or_404(request, slug)
    if request.method == "GET":
        return _detail(request, campaign)
    form = CampaignForm(request.POST, request.FILES, campaign=campaign)
    if form.is_valid():
        data = form.cleaned_data
        changes = {k: data[k] for k in ("title", "pitch", "story", "category", "goal_amount", "video_url")}
        if not campaign.is_live:
            changes |= {"slug": data["slug"] or campaign.slug}
            if not _same_minute(data["starts_at"], campaign.starts_at):
                changes["starts_at"] = data["starts_at"]
        # the form shows times to the minute: an untouched field is no change
        if not _same_minute(data["deadline"], campaign.deadline):
            changes["deadline"] = data["deadline"]
        try:
            campaign = services.campaign_update(campaign=campaign, actor=request.user, **changes)
            if data["cover"]:
                services.cover_set(campaign=campaign, upload=data["cover"], actor=request.user)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Campaign saved.")
            return redirect("crowdfunding_manage:campaign", campaign.slug)
    return _detail(request, campaign, form=form, status=400)


def _part_add(request, slug: str, *, form_class, prefix: str, save, done: str):
    """The add forms of the campaign page (rewards, stretch goals, questions, updates): the form
    with its `prefix`, `save(campaign=, actor=, **cleaned_data)`, the service's ValidationError
    shown on the form; on success a message and back to the page, else the page again with the
    form (as `<prefix>_form`) and 400."""
    campaign = _campaign_or_404(request, slug)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            save(campaign=campaign, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, done)
            return redirect("crowdfunding_manage:campaign", campaign.slug)
    return _detail(request, campaign, status=400, **{f"{prefix}_form": form})


@require_POST
@staff_required
def tier_add(request, slug: str):
    return _part_add(request, slug, form_class=TierForm, prefix="tier", save=services.tier_create,
                     done="Reward added.")


@require_POST
@staff_required
def tier_close(request, slug: str, public_id):
    campaign = _campaign_or_404(request, slug)
    tier = RewardTier.objects.filter(campaign=campaign, public_id=public_id).first()
    if tier is None:
        raise Http404("No such reward")
    services.tier_close(tier=tier, actor=request.user)
    messages.success(request, f"Reward “{tier.title}” closed; its backers keep it.")
    return redirect("crowdfunding_manage:campaign", campaign.slug)


@require_POST
@staff_required
def stretch_goal_add(request, slug: str):
    return _part_add(request, slug, form_class=StretchGoalForm, prefix="goal", save=services.stretch_goal_add,
                     done="Stretch goal added.")


@require_POST
@staff_required
def faq_add(request, slug: str):
    return _part_add(request, slug, form_class=FaqForm, prefix="faq", save=services.faq_add, done="Question added.")


@require_safe
@staff_required
def backers_csv(request, slug: str):
    """The backers' CSV streamed now (offered for small campaigns; large ones use an export job)."""
    campaign = _campaign_or_404(request, slug)
    return csv_streaming_response(dashboard.backers_csv_rows(campaign), filename=f"backers-{campaign.slug}.csv")


@require_POST
@staff_required
def backers_export_start(request, slug: str):
    campaign = _campaign_or_404(request, slug)
    export = exports.backers_export_start(campaign=campaign, actor=request.user)
    messages.success(request, "The backers' CSV is being written; it can be downloaded here when it is ready.")
    return redirect("crowdfunding_manage:backers-export", campaign.slug, export.public_id)


def _export_or_404(request, slug: str, public_id):
    campaign = _campaign_or_404(request, slug)
    export = exports.backers_export_get(campaign=campaign, public_id=public_id)
    if export is None:
        raise Http404("No such export")
    return campaign, export


@require_safe
@staff_required
def backers_export_status(request, slug: str, public_id):
    """The job's page; HTMX polls it for the progress fragment alone until the job is finished."""
    campaign, export = _export_or_404(request, slug, public_id)
    template = ("crowdfunding/manage/_backers_export.html" if request.headers.get("HX-Request")
                else "crowdfunding/manage/backers_export.html")
    return render(request, template, {"campaign": campaign, "export": export})


@require_safe
@staff_required
def backers_export_download(request, slug: str, public_id):
    campaign, export = _export_or_404(request, slug, public_id)
    if export.status != export.Status.DONE:
        return HttpResponse("The export is not ready yet.", status=409, content_type="text/plain; charset=utf-8")
    try:
        handle = export.file.open("rb")
    except (OSError, ValueError) as exc:  # removed from the storage meanwhile
        raise Http404("The file of this export is gone; start a new one.") from exc
    response = FileResponse(handle, as_attachment=True, filename=f"backers-{campaign.slug}.csv",
                            content_type="text/csv; charset=utf-8")
    response["Cache-Control"] = "private, no-store"  # personal data
    return response


@require_POST
@staff_required
def update_add(request, slug: str):
    return _part_add(request, slug, form_class=UpdateForm, prefix="update", save=update_post,
                     done="Update posted and emailed to the backers.")


STATE_ACTIONS = {
    "submit": (services.campaign_submit, "Submitted for review."),
    "publish": (services.campaign_publish, "The campaign is live."),
    "return": (services.campaign_return_to_draft, "Sent back to draft."),
    "cancel": (services.campaign_cancel, "The campaign was cancelled; nobody will be charged."),
}


@require_POST
@staff_required
def campaign_state(request, slug: str):
    campaign = _campaign_or_404(request, slug)
    action = STATE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Choose an action.")
        return redirect("crowdfunding_manage:campaign", campaign.slug)
    service, done = action
    try:
        service(campaign=campaign, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
    else:
        messages.success(request, done)
    return redirect("crowdfunding_manage:campaign", campaign.slug)


@require_http_methods(["GET", "POST"])
@feature_required
@tenant_admin_required
def settings_page(request):
    row = services.settings_get()
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        services.settings_update(actor=request.user, require_review=form.cleaned_data["require_review"],
                                 instructors_may_manage=form.cleaned_data["instructors_may_manage"],
                                 minimum_pledge=form.cleaned_data["minimum_pledge"])
        messages.success(request, "Crowdfunding settings saved.")
        return redirect("crowdfunding_manage:settings")
    return render(request, "crowdfunding/manage/settings.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
