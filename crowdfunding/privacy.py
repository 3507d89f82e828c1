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


PLEDGES = PrivacyProvider(
    area="pledges", title="Pledges and campaign comments",
    holdings=(
        Holding("crowdfunding.Pledge", fields=("backer",)),
        Holding("crowdfunding.Comment", fields=("author",)),
        Holding("crowdfunding.Campaign", fields=("created_by",)),
        Holding("crowdfunding.CampaignUpdate", fields=("author",)),
    ),
    export=pledges_export, legal_hold="payments", order=210,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PLEDGES)
    privacy_not_personal("crowdfunding.Campaign", ("cover",), "campaign artwork")
