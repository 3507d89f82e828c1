"""A pledge whose card needed its holder at settlement is paid on-session through billing's
ordinary checkout: pledges are a product kind (registered from CrowdfundingConfig.ready()).
Paying it collects the pledge (and the order's charge is in the ledger like any other)."""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.api import Money, Product

from .models import Pledge
from .page_cache import campaign_page_changed, campaign_pages_changed


def _pledge(ref: str) -> Pledge | None:
    try:
        key = uuid.UUID(str(ref))
    except ValueError:
        return None
    return Pledge.objects.select_related("campaign").filter(public_id=key).first()


class PledgePayments:
    kind = "pledge"

    def describe(self, ref: str) -> Product | None:
        pledge = _pledge(ref)
        if pledge is None or pledge.status not in (Pledge.Status.AUTHENTICATION_REQUIRED, Pledge.Status.COLLECTED):
            return None
        return Product(kind=self.kind, ref=str(pledge.public_id), title=f"Pledge to “{pledge.campaign.title}”",
                       price=Money(pledge.amount, pledge.currency),
                       url=reverse("crowdfunding:my-pledges"))

    def has_access(self, ref: str, user) -> bool:
        pledge = _pledge(ref)
        return bool(pledge) and pledge.backer_id == user.pk and pledge.status == Pledge.Status.COLLECTED

    def purchase_check(self, ref: str, user) -> None:
        pledge = _pledge(ref)
        if pledge is None or pledge.backer_id != user.pk:
            raise ValidationError("There is no such pledge to pay.", code="not_for_sale")
        if pledge.status == Pledge.Status.COLLECTED:
            raise ValidationError("This pledge has been paid already. Thank you!", code="already_enrolled")
        if pledge.status != Pledge.Status.AUTHENTICATION_REQUIRED:
            raise ValidationError("This pledge is not waiting for a payment.", code="not_for_sale")

    def fulfil(self, ref: str, user, *, order_number: str) -> None:
        pledge = Pledge.objects.select_for_update().filter(public_id=ref).first()
        if pledge is None:
            raise ValidationError("The pledge no longer exists.", code="gone")
        if pledge.status == Pledge.Status.COLLECTED:
            return
        pledge.status, pledge.collected_at = Pledge.Status.COLLECTED, timezone.now()
        pledge.status_note, pledge.order_number = "Paid by the backer on the payment page.", order_number
        pledge.save(update_fields=["status", "collected_at", "status_note", "order_number", "updated_at"])
        campaign_page_changed(pledge.campaign_id)
        if pledge.campaign.is_scholarship:  # late money may pay for one more seat
            from .scholarships import seats_open_for_collected

            seats_open_for_collected(campaign_id=pledge.campaign_id)

    def revoke(self, ref: str, user, *, reason: str) -> None:
        """A refund of the pledge's order (by staff, on the orders page) that "revokes": refunded."""
        refunded = Pledge.objects.filter(public_id=ref, status=Pledge.Status.COLLECTED)
        campaign_pages_changed(refunded.values_list("campaign_id", flat=True))
        refunded.update(status=Pledge.Status.REFUNDED, status_note=reason[:500], updated_at=timezone.now())
