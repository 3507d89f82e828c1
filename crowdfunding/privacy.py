"""What crowdfunding holds about a person: pledges (collected ones are payment records, kept
under legal hold by erasure), comments, and campaigns and updates they wrote."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, privacy_not_personal, rows


def pledges_export(user) -> ExportPart:
    from .models import Campaign, CampaignUpdate, Comment, Pledge

    return ExportPart(records=[
        *({"kind": "pledge", **r} for r in rows(Pledge.objects.filter(backer=user).order_by("created_at"), (
            "public_id", "campaign__slug", "campaign__title", "tier__title", "amount", "currency", "anonymous", "status",
            "status_note", "order_number", "created_at", "collected_at"))),
        *({"kind": "comment", **r} for r in rows(Comment.objects.filter(author=user).order_by("created_at"), (
            "public_id", "campaign__slug", "body", "hidden", "created_at"))),
        *({"kind": "campaign_created", **r} for r in rows(Campaign.objects.filter(created_by=user), ("slug", "title"))),
        *({"kind": "update_written", **r} for r in rows(CampaignUpdate.objects.filter(author=user), (
            "campaign__slug", "title", "published_at"))),
    ])


HELD_PLEDGES = ("collected", "refunded")  # money moved: payment records


def pledges_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Collected and refunded pledges stay (legal hold), shown as anonymous; every other pledge is
    deleted with its reward place given back (nothing was charged); comments are deleted.
    Campaigns and updates they wrote stay with the institution, on the anonymised account."""
    from django.db import transaction

    from .models import Comment, Pledge
    from .services import _tier_release

    with transaction.atomic():
        kept = Pledge.objects.filter(backer=user, status__in=HELD_PLEDGES)
        shown = kept.filter(anonymous=False).update(anonymous=True)
        held = [("crowdfunding.Pledge", str(pk)) for pk in kept.values_list("pk", flat=True)]
        holds += held
        dropped = 0
        for pledge in Pledge.objects.select_for_update().filter(backer=user).exclude(status__in=HELD_PLEDGES):
            if pledge.is_open:
                _tier_release(pledge.tier_id)
            pledge.delete()
            dropped += 1
        comments, _ = Comment.objects.filter(author=user).delete()
    return {"pledges_held": len(held), "pledges_made_anonymous": shown, "pledges_deleted": dropped,
            "comments_deleted": comments}


PLEDGES = PrivacyProvider(
    area="pledges", title="Pledges and campaign comments",
    holdings=(
        Holding("crowdfunding.Pledge", fields=("backer",)),
        Holding("crowdfunding.Comment", fields=("author",)),
        Holding("crowdfunding.Campaign", fields=("created_by",)),
        Holding("crowdfunding.CampaignUpdate", fields=("author",)),
    ),
    export=pledges_export, erase=pledges_erase, legal_hold="payments", order=210,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PLEDGES)
    privacy_not_personal("crowdfunding.Campaign", ("cover",), "campaign artwork")
