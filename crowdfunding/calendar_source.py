"""Campaign deadlines in the calendar (tenant_apps.calendar source "campaigns"): of the campaigns the user
backed (an open or collected pledge) and, for staff, of the campaigns they created. One query."""
from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from tenant_apps.calendar.api import CalendarEntry

from .models import Campaign, Pledge

PUBLIC_STATES = (Campaign.State.LIVE, Campaign.State.SUCCESSFUL, Campaign.State.FAILED, Campaign.State.SETTLED)
BACKED = (Pledge.Status.PENDING_CARD, Pledge.Status.ACTIVE, Pledge.Status.COLLECTED, Pledge.Status.ERRORED,
          Pledge.Status.AUTHENTICATION_REQUIRED)


def entries(user, start: datetime, end: datetime) -> list[CalendarEntry]:
    backed = Pledge.objects.filter(campaign=OuterRef("pk"), backer_id=user.pk, status__in=BACKED)
    campaigns = (
        Campaign.objects.filter(deadline__gte=start, deadline__lt=end)
        .filter(Q(Exists(backed), state__in=PUBLIC_STATES) | Q(created_by_id=user.pk) & ~Q(state=Campaign.State.CANCELLED))
        .annotate(backed=Exists(backed))
        .only("public_id", "slug", "title", "deadline", "original_deadline", "state", "updated_at", "created_by_id")
    )
    found = []
    for c in campaigns:
        url = reverse("crowdfunding:campaign", kwargs={"slug": c.slug}) if c.backed or c.state in PUBLIC_STATES \
            else reverse("crowdfunding_manage:campaign", kwargs={"slug": c.slug})
        found.append(CalendarEntry(
            uid=f"campaign-{c.public_id}", kind="campaign", title=f"{c.title} closes", start=c.deadline, url=url,
            context="Campaign", sequence=1 if c.original_deadline else 0, modified_at=c.updated_at,
        ))
    return found
