"""Backers' pages: the campaigns index and page (no login), pledging (card saved with Stripe
Checkout in setup mode, nothing charged), My pledges with change and cancel."""
from __future__ import annotations

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from billing.api import (PlanLimitExceeded, buy_url, feature_check, limit_refusal_html, limit_refusal_plain, money,
                         payments_simulated, plan_feature_enabled, receipt_url_for)
from tenants.api import tenant_admin_check

from . import selectors, services
from .comments import MAX_COMMENT_PAGES, comment_moderate, comment_post, comments_lock, comments_visible
from .dashboard import view_count
from .forms import PledgeForm
from .markdown import render_markdown
from .models import Pledge
from .page_cache import body_cached
from .scholarships import applications_of_learner
from .scholarships import page_context as scholarship_page_context
from .updates import updates_visible


def feature_required(view):
    """Every crowdfunding page needs the plan feature: otherwise a page that says so (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        # Reading pages: the plan's features as cached for the site's navigation (a minute), not
        # a query per view of the busiest page; every write still asks the plan (the services do).
        if request.method in ("GET", "HEAD") and plan_feature_enabled("crowdfunding"):
            request.crowdfunding_on = True  # the navigation's context processor need not ask again
            return view(request, *args, **kwargs)
        try:
            feature_check("crowdfunding")
        except PlanLimitExceeded as exc:
            user = request.user if request.user.is_authenticated else None
            message = limit_refusal_html(exc, user=user) if user and tenant_admin_check(user) else limit_refusal_plain(exc)
            return render(request, "crowdfunding/unavailable.html", {"message": message}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return exc.messages


def errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_safe
@feature_required
def index(request):
    rows = [{"campaign": c, "progress": selectors.progress_of(c, pledged=c.pledged_total, backers=c.backers_total)}
            for c in selectors.campaign_list_public()[:100]]
    return render(request, "crowdfunding/index.html", {"rows": rows})


def _comments_page_of(request) -> int:
    raw = request.GET.get("comments_page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_COMMENT_PAGES:
        raise Http404("No such page of comments")
    return int(raw)


def _comments_context(request, campaign, page: int) -> dict:
    comments, older = comments_visible(campaign=campaign, user=request.user, page=page)
    return {"campaign": campaign, "comments": comments, "comments_page": page, "older_page": page + 1 if older else None,
            "can_moderate": request.user.is_authenticated and services.can_manage(request.user, campaign)}


def _share_links(request, campaign) -> dict:
    url = request.build_absolute_uri(reverse("crowdfunding:campaign", args=[campaign.slug]))
    text = quote(f"{campaign.title}: {campaign.pitch}"[:200])
    return {"email": f"mailto:?subject={quote(campaign.title)}&body={quote(url)}",
            "x": f"https://twitter.com/intent/tweet?url={quote(url)}&text={text}",
            "facebook": f"https://www.facebook.com/sharer/sharer.php?u={quote(url)}",
            "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?url={quote(url)}"}


def _body(request, campaign, *, page: int, ended: bool, my_pledge) -> dict:
    """The page's body (crowdfunding/_campaign_body.html) and the totals it was drawn from."""
    selectors.campaign_page_parts(campaign)
    totals = selectors.campaign_totals(campaign)
    tiers = list(campaign.tiers.all())
    for tier in tiers:
        tier.minimum_label = money.format_minor(tier.minimum_amount, campaign.currency)
    goals = [{"goal": g, "amount": money.format_minor(g.amount, campaign.currency),
              "reached": totals["pledged"] >= g.amount} for g in campaign.stretch_goals.all()]
    context = {
        **_comments_context(request, campaign, page),
        "tiers": tiers, "stretch_goals": goals, "faq": list(campaign.faq.all()), "share": _share_links(request, campaign),
        "story": mark_safe(campaign.story_html) if campaign.story_html or not campaign.story else render_markdown(campaign.story),  # noqa: S308 - sanitised when written
        "updates": [{"update": u, "body": mark_safe(u.body_html) if u.body_html else render_markdown(u.body)}  # noqa: S308
                    for u in updates_visible(campaign=campaign, user=request.user)],
        "ended": ended, "my_pledge": my_pledge,
    }
    return {"html": render_to_string("crowdfunding/_campaign_body.html", context, request=request), "totals": totals}


@require_safe
@feature_required
def campaign_page(request, slug: str):
    page = _comments_page_of(request)
    campaign = selectors.campaign_get_public_row(slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    view_count(campaign)
    if request.htmx and "comments_page" in request.GET:  # "Older comments" loaded in place
        response = render(request, "crowdfunding/_comments_page.html", _comments_context(request, campaign, page))
        patch_vary_headers(response, ["HX-Request"])
        return response
    ended = selectors.campaign_ended(campaign)
    my_pledge = selectors.open_pledge_of(user=request.user, campaign=campaign)

    def build() -> dict:
        return _body(request, campaign, page=page, ended=ended, my_pledge=my_pledge)

    if request.user.is_authenticated:  # members see their pledge, backers-only updates, forms: built each time
        body = build()
    else:
        body = body_cached(campaign=campaign, variant=f"{request.scheme}://{request.get_host()}|{page}|{ended}", build=build)
    page_url = request.build_absolute_uri(reverse("crowdfunding:campaign", args=[campaign.slug]))
    response = render(request, "crowdfunding/campaign.html", {
        "campaign": campaign, "progress": selectors.progress_of(campaign, **body["totals"]), "my_pledge": my_pledge,
        "page_url": page_url, "cover_url": request.build_absolute_uri(campaign.cover.url) if campaign.cover else "",
        "scholarship": scholarship_page_context(campaign=campaign, user=request.user),
        "body": mark_safe(body["html"]),  # noqa: S308 - our own template's output
    })
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@feature_required
@login_required
def pledge_new(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    existing = selectors.open_pledge_of(user=request.user, campaign=campaign)
    if existing is not None and existing.status == Pledge.Status.ACTIVE:
        messages.info(request, "You already back this campaign; change your pledge here.")
        return redirect("crowdfunding:pledge", existing.public_id)
    tiers = list(campaign.tiers.all())
    initial = {"tier": request.GET.get("tier", "")[:40]}
    form = PledgeForm(request.POST or None, tiers=tiers, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                pledge = services.pledge_create(backer=request.user, campaign=campaign, amount=data["amount"],
                                                tier_id=data["tier"] or None, anonymous=data["anonymous"])
                pledge_url = request.build_absolute_uri(reverse("crowdfunding:pledge", args=[pledge.public_id]))
                url = services.pledge_checkout_start(
                    pledge=pledge, success_url=pledge_url + "?saved=1",
                    cancel_url=request.build_absolute_uri(reverse("crowdfunding:campaign", args=[campaign.slug])))
            except PlanLimitExceeded as exc:
                form.add_error(None, limit_refusal_html(exc, user=request.user))
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                return redirect(url)
    return render(request, "crowdfunding/pledge_new.html",
                  {"campaign": campaign, "form": form, "tiers": tiers, "simulator": payments_simulated()},
                  status=status)


@require_safe
@feature_required
@login_required
def my_pledges(request):
    rows = [{"pledge": p, "amount": money.format_minor(p.amount, p.currency),
             "receipt_url": receipt_url_for(p.order_number) if p.order_number else None}
            for p in selectors.pledges_of_backer(user=request.user)[:200]]
    applications = list(applications_of_learner(user=request.user)[:100])
    return render(request, "crowdfunding/my_pledges.html", {"rows": rows, "applications": applications})


@require_http_methods(["GET", "POST"])
@feature_required
@login_required
def pledge_page(request, public_id):
    pledge = selectors.pledge_of_backer(user=request.user, public_id=public_id)
    if pledge is None:
        raise Http404("No such pledge")
    campaign = pledge.campaign
    tiers = list(campaign.tiers.all())
    initial = {"tier": str(pledge.tier.public_id) if pledge.tier else "", "anonymous": pledge.anonymous,
               "amount": money.from_minor(pledge.amount, pledge.currency)}
    form = PledgeForm(request.POST or None, tiers=tiers, current_tier=pledge.tier, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.pledge_change(pledge=pledge, backer=request.user, amount=data["amount"],
                                       tier_id=data["tier"] or None, anonymous=data["anonymous"])
            except PermissionDenied:
                raise Http404("No such pledge") from None
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "Your pledge was changed. Nothing is charged until the campaign succeeds.")
                return redirect("crowdfunding:pledge", pledge.public_id)
    context = {"pledge": pledge, "campaign": campaign, "form": form, "saved": "saved" in request.GET,
               "amount": money.format_minor(pledge.amount, pledge.currency),
               "editable": pledge.is_open and campaign.is_live}
    template = "crowdfunding/_pledge_status.html" if request.htmx else "crowdfunding/pledge.html"
    return render(request, template, context, status=status)


@require_POST
@feature_required
@login_required
def pledge_cancel(request, public_id):
    pledge = selectors.pledge_of_backer(user=request.user, public_id=public_id)
    if pledge is None:
        raise Http404("No such pledge")
    try:
        services.pledge_cancel(pledge=pledge, backer=request.user)
    except PermissionDenied:
        raise Http404("No such pledge") from None
    except ValidationError as exc:
        messages.error(request, " ".join(messages_of(exc)))
        return redirect("crowdfunding:pledge", pledge.public_id)
    messages.success(request, "Your pledge was cancelled; nothing was charged.")
    return redirect("crowdfunding:my-pledges")


@login_required
@require_safe
def pledge_pay(request, public_id):
    """The link in the "confirm your pledge" email: the pledge's card needed its holder at
    settlement, so it is paid on-session through billing's checkout (a pledge is a product)."""
    pledge = selectors.pledge_of_backer(user=request.user, public_id=public_id)
    if pledge is None:
        raise Http404("No such pledge")
    return redirect(buy_url("pledge", str(pledge.public_id)))


@require_POST
@feature_required
@login_required
def comment_add(request, slug: str):
    campaign = selectors.campaign_get_public(slug=slug)
    if campaign is None:
        raise Http404("No such campaign")
    try:
        comment_post(campaign=campaign, author=request.user, body=request.POST.get("body", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms))
        return redirect(reverse("crowdfunding:campaign", args=[slug]) + "#comments")
    messages.success(request, "Comment posted.")
    return redirect(reverse("crowdfunding:campaign", args=[slug]) + "#comments")


@require_POST
@feature_required
@login_required
def comment_moderation(request, slug: str, public_id):
    from .models import Comment

    comment = Comment.objects.select_related("campaign", "author").filter(public_id=public_id, campaign__slug=slug).first()
    if comment is None:
        raise Http404("No such comment")
    try:
        if request.POST.get("action") in ("lock", "unlock"):
            comments_lock(campaign=comment.campaign, actor=request.user, locked=request.POST["action"] == "lock")
        else:
            comment_moderate(comment=comment, actor=request.user, action=request.POST.get("action", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("crowdfunding:campaign", args=[slug]) + "#comments")
