"""What crowdfunding holds about a person: pledges (collected ones are payment records, kept
under legal hold by erasure), comments, and campaigns and updates they wrote."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, latest_by_user, privacy_not_personal, rows


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

    from .page_cache import campaign_pages_changed

    with transaction.atomic():
        # their name leaves the comments and counts at once, not when the pages' cache expires
        campaign_pages_changed([*Pledge.objects.filter(backer=user).values_list("campaign_id", flat=True),
                                *Comment.objects.filter(author=user).values_list("campaign_id", flat=True)])
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


def pledges_last_activity(user_ids: list[int]) -> dict:
    """Pledging and commenting (not `updated_at`: settlement moves that without the person)."""
    from .models import Comment, Pledge

    latest = latest_by_user(Pledge.objects.filter(backer_id__in=user_ids), "backer_id", "created_at")
    for user_id, when in latest_by_user(Comment.objects.filter(author_id__in=user_ids), "author_id",
                                        "created_at").items():
        latest[user_id] = max(when, latest.get(user_id, when))
    return latest


def pledges_obligations(user_ids: list[int]) -> dict[int, str]:
    """A pledge that may still be charged: open, or waiting for the backer's authentication, on a
    campaign that has not failed or been cancelled."""
    from .models import Campaign, Pledge

    waiting = (*Pledge.OPEN, Pledge.Status.AUTHENTICATION_REQUIRED)
    return {pk: "open_pledge" for pk in Pledge.objects.filter(backer_id__in=user_ids, status__in=waiting).exclude(
        campaign__state__in=(Campaign.State.FAILED, Campaign.State.CANCELLED)).values_list("backer_id", flat=True)}


def pledges_release(model: str, ids: list[str]) -> dict[str, int]:
    """The legal hold ended: the pledge stays (campaign totals, its receipt number), without the
    Stripe references that lead to the card holder or the settlement's note."""
    from .models import Pledge

    if model != "crowdfunding.Pledge":
        return {}
    return {"pledges_released": Pledge.objects.filter(pk__in=[int(pk) for pk in ids]).update(
        stripe_customer_id="", stripe_checkout_session_id="", stripe_setup_intent_id="", stripe_payment_method_id="",
        stripe_payment_intent_id="", status_note="", anonymous=True)}


PLEDGES = PrivacyProvider(
    area="pledges", title="Pledges and campaign comments",
    holdings=(
        Holding("crowdfunding.Pledge", fields=("backer",)),
        Holding("crowdfunding.Comment", fields=("author",)),
        Holding("crowdfunding.Campaign", fields=("created_by",)),
        Holding("crowdfunding.CampaignUpdate", fields=("author",)),
    ),
    export=pledges_export, erase=pledges_erase, legal_hold="payments", order=210,
    last_activity=pledges_last_activity, obligations=pledges_obligations, release=pledges_release,
)


def scholarships_export(user) -> ExportPart:
    from .models import BackersExport, ScholarshipApplication, ScholarshipSeat

    return ExportPart(records=[
        *({"kind": "scholarship_application", **r} for r in rows(
            ScholarshipApplication.objects.filter(applicant=user).order_by("created_at"),
            ("public_id", "campaign__slug", "campaign__title", "motivation", "state", "created_at", "decided_at"))),
        *({"kind": "scholarship_seat", **r} for r in rows(ScholarshipSeat.objects.filter(awarded_to=user), (
            "public_id", "campaign__slug", "number", "awarded_at"))),
        *({"kind": "seat_awarded_by_you", **r} for r in rows(
            ScholarshipSeat.objects.filter(awarded_by=user).exclude(awarded_to=user), ("campaign__slug", "awarded_at"))),
        *({"kind": "backers_export_requested", **r} for r in rows(BackersExport.objects.filter(requested_by=user), (
            "campaign__slug", "status", "created_at"))),
    ])


def scholarships_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their applications (their own words) are deleted; an awarded seat stays, on the anonymised
    account (it is the record of what the backers' money paid for); backers' CSV exports of the
    campaigns they backed are deleted (they list the person; staff can export again), their
    files in the pipeline's files step."""
    from .models import BackersExport, Pledge, ScholarshipApplication, ScholarshipSeat

    applications, _ = ScholarshipApplication.objects.filter(applicant=user).delete()
    ScholarshipApplication.objects.filter(decided_by=user).update(decided_by=None)
    ScholarshipSeat.objects.filter(awarded_by=user).exclude(awarded_to=user).update(awarded_by=None)
    backed = Pledge.objects.filter(backer=user).values("campaign_id")
    listing = BackersExport.objects.filter(campaign_id__in=backed)
    files += [name for name in listing.exclude(file="").values_list("file", flat=True)]
    exports, _ = listing.delete()
    BackersExport.objects.filter(requested_by=user).update(requested_by=None)
    return {"scholarship_applications_deleted": applications, "backers_exports_deleted": exports}


SCHOLARSHIPS = PrivacyProvider(
    area="scholarships", title="Scholarship applications and seats",
    holdings=(
        Holding("crowdfunding.ScholarshipApplication", fields=("applicant", "decided_by")),
        Holding("crowdfunding.ScholarshipSeat", fields=("awarded_to", "awarded_by")),
        # A backers' CSV lists the campaign's backers (the institution's record of them).
        Holding("crowdfunding.BackersExport", fields=("requested_by",), files=("file",)),
    ),
    # before "pledges": the backers' exports are found through the person's pledges
    export=scholarships_export, erase=scholarships_erase, order=205,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PLEDGES)
    privacy_provider_register(SCHOLARSHIPS)
    privacy_not_personal("crowdfunding.Campaign", ("cover",), "campaign artwork")
