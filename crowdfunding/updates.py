"""Campaign updates: staff post; every backer (an active or collected pledge) is emailed; a
backers-only update is shown to backers and staff only."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.safestring import mark_safe

from billing.api import feature_check
from tenants.api import audit_log, site_url_for_tenant

from .markdown import render_markdown
from .models import Campaign, CampaignUpdate, Pledge
from .page_cache import campaign_page_changed
from .services import _manage_check, can_manage

BACKER_STATES = (Pledge.Status.ACTIVE, Pledge.Status.COLLECTED, Pledge.Status.AUTHENTICATION_REQUIRED)


def is_backer(user, campaign: Campaign) -> bool:
    return bool(user and user.is_authenticated) and campaign.pledges.filter(backer=user, status__in=BACKER_STATES).exists()


def update_post(*, campaign: Campaign, actor, title: str, body: str, backers_only: bool = False) -> CampaignUpdate:
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ValidationError({"title" if not title else "body": "An update needs a title and a text."})
    if campaign.state in (Campaign.State.DRAFT, Campaign.State.IN_REVIEW, Campaign.State.CANCELLED):
        raise ValidationError("Updates are for campaigns that have gone live.", code="not_live")
    with transaction.atomic():
        body = body[:20000]
        update = CampaignUpdate.objects.create(campaign=campaign, title=title[:200], body=body,
                                               body_html=render_markdown(body), backers_only=backers_only, author=actor)
        campaign_page_changed(campaign.pk)
        audit_log(action="campaign.update_posted", target=campaign, after={"title": update.title, "backers_only": backers_only})
        from django.db import connection

        from tenant_apps.notifications.api import notify  # one email each: backers never see each other's addresses

        path = f"/campaigns/{campaign.slug}/#update-{update.public_id}"
        backers = sorted(set(campaign.pledges.filter(status__in=BACKER_STATES).values_list("backer_id", flat=True)))
        notify("campaign_update", backers, {
            "campaign": campaign, "update": update, "body_html": mark_safe(update.body_html),  # noqa: S308 - sanitised above
            "url": site_url_for_tenant(connection.tenant, path)}, url=path, actor=actor)
    return update


def updates_visible(*, campaign: Campaign, user) -> list[CampaignUpdate]:
    rows = campaign.updates.all()
    if not (can_manage(user, campaign) if user and user.is_authenticated else False) and not is_backer(user, campaign):
        rows = rows.filter(backers_only=False)
    return list(rows[:50])
