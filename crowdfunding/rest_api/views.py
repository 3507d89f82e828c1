"""Crowdfunding API: campaigns (staff write, everyone signed in reads public ones), tiers, pledges.

Amounts are integer minor units of the institution's currency; times are ISO 8601 (UTC).
Every endpoint needs the plan feature "crowdfunding" (403 plan_feature_required otherwise).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from billing.api import feature_check, money
from tenants.api import TenantApi, error_response

from .. import scholarships, selectors, services
from ..forms import STORY_MAX
from ..models import Campaign, Pledge, RewardTier, ScholarshipApplication, ScholarshipSeat

TAGS = ["crowdfunding"]


# --- output -------------------------------------------------------------------------------------

class TierOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    remaining = serializers.IntegerField(allow_null=True)

    class Meta:
        model = RewardTier
        fields = ["id", "title", "description", "minimum_amount", "quantity_limit", "remaining",
                  "estimated_delivery", "shipping_note", "closed"]


class ScholarshipTermsOutput(serializers.Serializer):
    """What a scholarship campaign funds (null for other campaigns)."""

    seat_kind = serializers.CharField(help_text="course | track")
    seat_ref = serializers.CharField(help_text="The course's or track's UUID")
    seat_title = serializers.CharField()
    seat_amount = serializers.IntegerField(help_text="One seat, in minor units")
    seats_wanted = serializers.IntegerField()
    seats_opened = serializers.IntegerField()


class CampaignOutput(serializers.ModelSerializer):
    pledged_amount = serializers.SerializerMethodField()
    backers = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    scholarship = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["slug", "title", "pitch", "category", "state", "goal_amount", "currency", "pledged_amount",
                  "backers", "starts_at", "deadline", "deadline_extended", "video_url", "page_url", "scholarship"]

    def _totals(self, campaign) -> dict:
        if hasattr(campaign, "pledged_total"):
            return {"pledged": campaign.pledged_total, "backers": campaign.backers_total}
        if not hasattr(campaign, "_totals_cache"):
            campaign._totals_cache = selectors.campaign_totals(campaign)
        return campaign._totals_cache

    def get_pledged_amount(self, campaign) -> int:
        return self._totals(campaign)["pledged"]

    def get_backers(self, campaign) -> int:
        return self._totals(campaign)["backers"]

    def get_page_url(self, campaign) -> str:
        return f"/campaigns/{campaign.slug}/"

    @extend_schema_field(ScholarshipTermsOutput(allow_null=True))
    def get_scholarship(self, campaign) -> dict | None:
        return ScholarshipTermsOutput(campaign).data if campaign.is_scholarship else None


class CampaignDetailOutput(CampaignOutput):
    tiers = TierOutput(many=True, read_only=True)
    story = serializers.CharField()
    stretch_goals = serializers.SerializerMethodField()
    faq = serializers.SerializerMethodField()

    class Meta(CampaignOutput.Meta):
        fields = CampaignOutput.Meta.fields + ["story", "tiers", "stretch_goals", "faq"]

    def get_stretch_goals(self, campaign) -> list[dict]:
        return [{"amount": g.amount, "text": g.text} for g in campaign.stretch_goals.all()]

    def get_faq(self, campaign) -> list[dict]:
        return [{"question": f.question, "answer": f.answer} for f in campaign.faq.all()]


class PledgeOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    tier = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = ["id", "campaign", "tier", "amount", "currency", "anonymous", "status", "status_note",
                  "created_at", "updated_at"]

    def get_tier(self, pledge) -> str | None:
        return str(pledge.tier.public_id) if pledge.tier else None


# --- base -----------------------------------------------------------------------------------------

class CrowdfundingApi(TenantApi):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        feature_check("crowdfunding")


def _visible(request):
    """Public campaigns, and those the caller runs."""
    staff = selectors.campaigns_for_staff(user=request.user).values("pk")
    return Campaign.objects.filter(Q(state__in=selectors.PUBLIC_STATES) | Q(pk__in=staff))


def _campaign(request, slug: str) -> Campaign:
    campaign = _visible(request).filter(slug=slug[:80]).first()
    if campaign is None:
        raise Http404
    return campaign


def _managed(request, slug: str) -> Campaign:
    campaign = selectors.campaign_for_staff(user=request.user, slug=slug[:80])
    if campaign is None:
        raise Http404
    return campaign


# --- campaigns ------------------------------------------------------------------------------------

class CampaignInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    slug = serializers.SlugField(max_length=70, required=False, allow_blank=True)
    pitch = serializers.CharField(max_length=300)
    story = serializers.CharField(max_length=STORY_MAX, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Campaign.Category.choices, required=False)
    goal_amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS, required=False,
                                           help_text="Required, except for a scholarship campaign (seats × seat amount).")
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    deadline = serializers.DateTimeField()
    video_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    # a scholarship campaign: seats in a course or track; the goal is seats_wanted × seat_amount
    seat_kind = serializers.ChoiceField(choices=["course", "track"], required=False)
    seat_ref = serializers.CharField(max_length=64, required=False, help_text="The course's or track's UUID")
    seat_amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS, required=False,
                                           allow_null=True, help_text="Empty: the course's or track's price")
    seats_wanted = serializers.IntegerField(min_value=1, max_value=100_000, required=False)

    SEAT_FIELDS = ("seat_kind", "seat_ref", "seat_amount", "seats_wanted")

    def validate(self, data):
        if self.partial:
            return data
        if data.get("seat_kind") or data.get("seat_ref"):
            missing = {f: ["Required for a scholarship campaign."] for f in ("seat_kind", "seat_ref", "seats_wanted")
                       if not data.get(f)}
            if missing:
                raise serializers.ValidationError(missing)
        elif not data.get("goal_amount"):
            raise serializers.ValidationError({"goal_amount": ["This field is required."]})
        return data


class CampaignListApi(CrowdfundingApi):
    InputSerializer = CampaignInput

    @extend_schema(tags=TAGS, responses=CampaignOutput(many=True))
    def get(self, request):
        rows = selectors.with_totals(_visible(request)).order_by("-created_at")[:200]
        return Response(CampaignOutput(rows, many=True).data)

    @extend_schema(tags=TAGS, request=CampaignInput, responses={201: CampaignDetailOutput})
    def post(self, request):
        data = self.validated(request)
        campaign = services.campaign_create(actor=request.user, **data)
        return Response(CampaignDetailOutput(campaign).data, status=status.HTTP_201_CREATED)


class CampaignPatchInput(CampaignInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class CampaignDetailApi(CrowdfundingApi):
    InputSerializer = CampaignPatchInput

    @extend_schema(tags=TAGS, responses=CampaignDetailOutput)
    def get(self, request, slug: str):
        return Response(CampaignDetailOutput(_campaign(request, slug)).data)

    @extend_schema(tags=TAGS, request=CampaignPatchInput, responses=CampaignDetailOutput)
    def patch(self, request, slug: str):
        campaign = _managed(request, slug)
        data = self.validated(request, partial=True)
        seats = {k: data.pop(k) for k in CampaignInput.SEAT_FIELDS if k in data}
        if seats:  # the seats (and with them the goal) change through their own rules
            if "goal_amount" in data:
                raise serializers.ValidationError({"goal_amount": ["A scholarship campaign's goal is seats × seat amount."]})
            current = {"seat_kind": campaign.seat_kind, "seat_ref": campaign.seat_ref, "seat_amount": campaign.seat_amount,
                       "seats_wanted": campaign.seats_wanted}
            campaign = scholarships.campaign_seats_set(campaign=campaign, actor=request.user, **(current | seats))
        if data or not seats:
            campaign = services.campaign_update(campaign=campaign, actor=request.user, **data)
        return Response(CampaignDetailOutput(campaign).data)


class SettlementOutput(serializers.Serializer):
    state = serializers.CharField()
    total = serializers.IntegerField(help_text="Active pledges to charge when the campaign succeeded.")
    done = serializers.IntegerField()
    percent = serializers.IntegerField()
    collected = serializers.IntegerField()
    errored = serializers.IntegerField()
    authentication_required = serializers.IntegerField()
    dropped = serializers.IntegerField()
    money = serializers.DictField(child=serializers.IntegerField(), allow_null=True,
                                  help_text="From the ledger: gross, refunded, platform_fee, processor_fees, "
                                            "institution_net (minor units); null before anything was collected.")


class CampaignSettlementApi(CrowdfundingApi):
    """Staff: the settlement's progress and the money collected, read from the ledger."""

    @extend_schema(tags=TAGS, responses=SettlementOutput)
    def get(self, request, slug: str):
        from ..dashboard import money_collected
        from ..settlement import settlement_progress

        campaign = _managed(request, slug)
        money_figures = money_collected(campaign)
        if money_figures:
            money_figures.pop("labels")
        return Response(SettlementOutput({**settlement_progress(campaign), "state": campaign.state,
                                          "money": money_figures}).data)


class StateInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["submit", "publish", "return", "cancel"])


class CampaignStateApi(CrowdfundingApi):
    InputSerializer = StateInput
    ACTIONS = {"submit": services.campaign_submit, "publish": services.campaign_publish,
               "return": services.campaign_return_to_draft, "cancel": services.campaign_cancel}

    @extend_schema(tags=TAGS, request=StateInput, responses=CampaignDetailOutput)
    def post(self, request, slug: str):
        campaign = _managed(request, slug)
        action = self.validated(request)["action"]
        campaign = self.ACTIONS[action](campaign=campaign, actor=request.user)
        return Response(CampaignDetailOutput(campaign).data)


# --- tiers ----------------------------------------------------------------------------------------

class TierInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    minimum_amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS)
    quantity_limit = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False, allow_null=True)
    estimated_delivery = serializers.DateField(required=False, allow_null=True)
    shipping_note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class TierListApi(CrowdfundingApi):
    InputSerializer = TierInput

    @extend_schema(tags=TAGS, responses=TierOutput(many=True))
    def get(self, request, slug: str):
        return Response(TierOutput(_campaign(request, slug).tiers.all(), many=True).data)

    @extend_schema(tags=TAGS, request=TierInput, responses={201: TierOutput})
    def post(self, request, slug: str):
        campaign = _managed(request, slug)
        tier = services.tier_create(campaign=campaign, actor=request.user, **self.validated(request))
        return Response(TierOutput(tier).data, status=status.HTTP_201_CREATED)


class TierCloseApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, request=None, responses=TierOutput)
    def post(self, request, slug: str, id):
        campaign = _managed(request, slug)
        tier = RewardTier.objects.filter(campaign=campaign, public_id=id).first()
        if tier is None:
            raise Http404
        return Response(TierOutput(services.tier_close(tier=tier, actor=request.user)).data)


# --- pledges --------------------------------------------------------------------------------------

class PledgeInput(serializers.Serializer):
    tier = serializers.UUIDField(required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS)
    anonymous = serializers.BooleanField(required=False, default=False)
    success_url = serializers.URLField(max_length=500, required=False)
    cancel_url = serializers.URLField(max_length=500, required=False)


class PledgeCreatedOutput(serializers.Serializer):
    pledge = PledgeOutput()
    checkout_url = serializers.URLField()


class PledgeCreateApi(CrowdfundingApi):
    InputSerializer = PledgeInput

    @extend_schema(tags=TAGS, request=PledgeInput, responses={201: PledgeCreatedOutput})
    def post(self, request, slug: str):
        campaign = selectors.campaign_get_public(slug=slug[:80])
        if campaign is None:
            raise Http404
        data = self.validated(request)
        pledge = services.pledge_create(backer=request.user, campaign=campaign, amount=data["amount"],
                                        tier_id=data.get("tier"), anonymous=data["anonymous"])
        site = request.build_absolute_uri("/")[:-1]
        url = services.pledge_checkout_start(
            pledge=pledge, success_url=_same_site(data.get("success_url"), site) or f"{site}/campaigns/my-pledges/{pledge.public_id}/?saved=1",
            cancel_url=_same_site(data.get("cancel_url"), site) or f"{site}/campaigns/{campaign.slug}/")
        return Response({"pledge": PledgeOutput(pledge).data, "checkout_url": url}, status=status.HTTP_201_CREATED)


def _same_site(url: str | None, site: str) -> str | None:
    """Return pages on the institution's own site only (no open redirect through Stripe)."""
    return url if url and (url == site or url.startswith(site + "/")) else None


class MyPledgeListApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses=PledgeOutput(many=True))
    def get(self, request):
        return Response(PledgeOutput(selectors.pledges_of_backer(user=request.user)[:500], many=True).data)


class PledgeChangeInput(serializers.Serializer):
    tier = serializers.UUIDField(required=False, allow_null=True)
    amount = serializers.IntegerField(min_value=1, max_value=money.MAX_MINOR_UNITS)
    anonymous = serializers.BooleanField(required=False)


def _my_pledge(request, id) -> Pledge:
    pledge = selectors.pledge_of_backer(user=request.user, public_id=id)
    if pledge is None:
        raise Http404
    return pledge


class MyPledgeDetailApi(CrowdfundingApi):
    InputSerializer = PledgeChangeInput

    @extend_schema(tags=TAGS, responses=PledgeOutput)
    def get(self, request, id):
        return Response(PledgeOutput(_my_pledge(request, id)).data)

    @extend_schema(tags=TAGS, request=PledgeChangeInput, responses=PledgeOutput)
    def patch(self, request, id):
        pledge = _my_pledge(request, id)
        data = self.validated(request)
        pledge = services.pledge_change(pledge=pledge, backer=request.user, amount=data["amount"],
                                        tier_id=data.get("tier"), anonymous=data.get("anonymous"))
        return Response(PledgeOutput(pledge).data)


class MyPledgeCancelApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, request=None, responses=PledgeOutput)
    def post(self, request, id):
        pledge = services.pledge_cancel(pledge=_my_pledge(request, id), backer=request.user)
        return Response(PledgeOutput(pledge).data)


# --- updates --------------------------------------------------------------------------------------

class UpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    backers_only = serializers.BooleanField(default=False)


class UpdateOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    title = serializers.CharField()
    body = serializers.CharField()
    backers_only = serializers.BooleanField()
    published_at = serializers.DateTimeField()


class UpdateListApi(CrowdfundingApi):
    InputSerializer = UpdateInput

    @extend_schema(tags=TAGS, responses=UpdateOutput(many=True),
                   summary="Updates of a campaign (backers-only ones for its backers and staff)")
    def get(self, request, slug: str):
        from ..updates import updates_visible

        return Response(UpdateOutput(updates_visible(campaign=_campaign(request, slug), user=request.user), many=True).data)

    @extend_schema(tags=TAGS, request=UpdateInput, responses={201: UpdateOutput},
                   summary="Post an update (emailed to every backer)")
    def post(self, request, slug: str):
        from ..updates import update_post

        update = update_post(campaign=_managed(request, slug), actor=request.user, **self.validated(request))
        return Response(UpdateOutput(update).data, status=status.HTTP_201_CREATED)


# --- scholarship seats and applications ------------------------------------------------------------

def _conflict_or_raise(exc: DjangoValidationError):
    """A request refused by the state of things (seat taken, applied already): 409, else 400."""
    if getattr(exc, "code", None) in scholarships.CONFLICTS:
        return error_response(" ".join(exc.messages), code=exc.code, http_status=status.HTTP_409_CONFLICT)
    raise exc


class SeatOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    awarded_to = serializers.SerializerMethodField()
    application = serializers.SerializerMethodField()

    class Meta:
        model = ScholarshipSeat
        fields = ["id", "number", "state", "awarded_to", "awarded_at", "enrollment_ref", "application"]

    def get_awarded_to(self, seat) -> str | None:
        return seat.awarded_to.email if seat.awarded_to else None

    def get_application(self, seat) -> str | None:
        return str(seat.application.public_id) if seat.application else None


class ApplicationOutput(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    applicant = serializers.SerializerMethodField()

    class Meta:
        model = ScholarshipApplication
        fields = ["id", "campaign", "applicant", "motivation", "state", "created_at", "decided_at"]

    def get_applicant(self, application) -> str:
        return application.applicant.email


class SeatListApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses=SeatOutput(many=True), summary="Scholarship seats of a campaign (staff)")
    def get(self, request, slug: str):
        return Response(SeatOutput(scholarships.seats_of(_managed(request, slug)), many=True).data)


class SeatAwardInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="An active member of the institution")


class SeatAwardApi(CrowdfundingApi):
    InputSerializer = SeatAwardInput

    @extend_schema(tags=TAGS, request=SeatAwardInput, responses={200: SeatOutput},
                   summary="Award a seat: the learner is enrolled with source \"scholarship\" (409 if taken)")
    def post(self, request, slug: str, id):
        campaign = _managed(request, slug)
        seat = ScholarshipSeat.objects.filter(campaign=campaign, public_id=id).first()
        if seat is None:
            raise Http404
        email = self.validated(request)["email"]
        try:
            seat = scholarships.seat_award_by_email(seat=seat, email=email, actor=request.user)
        except DjangoValidationError as exc:
            return _conflict_or_raise(exc)
        return Response(SeatOutput(seat).data)


class ApplicationInput(serializers.Serializer):
    motivation = serializers.CharField(max_length=scholarships.MOTIVATION_MAX)


class ApplicationListApi(CrowdfundingApi):
    InputSerializer = ApplicationInput

    @extend_schema(tags=TAGS, responses=ApplicationOutput(many=True), summary="Applications for seats (staff)")
    def get(self, request, slug: str):
        return Response(ApplicationOutput(scholarships.applications_of(_managed(request, slug)), many=True).data)

    @extend_schema(tags=TAGS, request=ApplicationInput, responses={201: ApplicationOutput},
                   summary="Apply for a seat (one application per learner; 409 on a second)")
    def post(self, request, slug: str):
        campaign = selectors.campaign_get_public(slug=slug[:80])
        if campaign is None or not campaign.is_scholarship:
            raise Http404
        motivation = self.validated(request)["motivation"]
        try:
            application = scholarships.scholarship_apply(campaign=campaign, applicant=request.user, motivation=motivation)
        except DjangoValidationError as exc:
            return _conflict_or_raise(exc)
        return Response(ApplicationOutput(application).data, status=status.HTTP_201_CREATED)


class DecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["award", "reject"])


class ApplicationDecideApi(CrowdfundingApi):
    InputSerializer = DecisionInput

    @extend_schema(tags=TAGS, request=DecisionInput, responses=ApplicationOutput,
                   summary="Award the applicant the next available seat, or decline")
    def post(self, request, slug: str, id):
        campaign = _managed(request, slug)
        application = ScholarshipApplication.objects.filter(campaign=campaign, public_id=id).first()
        if application is None:
            raise Http404
        decision = self.validated(request)["decision"]
        try:
            application = scholarships.application_decide(application=application, actor=request.user, decision=decision)
        except DjangoValidationError as exc:
            return _conflict_or_raise(exc)
        return Response(ApplicationOutput(application).data)


class MyApplicationListApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses=ApplicationOutput(many=True), summary="My scholarship applications")
    def get(self, request):
        return Response(ApplicationOutput(scholarships.applications_of_learner(user=request.user)[:200], many=True).data)


# --- backers' CSV export (a background job) ----------------------------------------------------------

class BackersExportOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    status = serializers.CharField()
    total_rows = serializers.IntegerField()
    processed_rows = serializers.IntegerField()
    percent = serializers.IntegerField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    file_url = serializers.SerializerMethodField()

    def get_file_url(self, export) -> str | None:
        if export.status != export.Status.DONE:
            return None
        return f"/api/v1/campaigns/{export.campaign.slug}/backers-exports/{export.public_id}/file"


def _export(request, slug: str, id):
    from ..exports import backers_export_get

    export = backers_export_get(campaign=_managed(request, slug), public_id=id)
    if export is None:
        raise Http404
    return export


class BackersExportListApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses=BackersExportOutput(many=True), summary="Recent backers' CSV exports")
    def get(self, request, slug: str):
        campaign = _managed(request, slug)
        return Response(BackersExportOutput(campaign.backer_exports.select_related("campaign")[:20], many=True).data)

    @extend_schema(tags=TAGS, request=None, responses={202: BackersExportOutput},
                   summary="Start writing the backers' CSV in the background (an unfinished export is returned)")
    def post(self, request, slug: str):
        from ..exports import backers_export_start

        export = backers_export_start(campaign=_managed(request, slug), actor=request.user)
        return Response(BackersExportOutput(export).data, status=status.HTTP_202_ACCEPTED)


class BackersExportDetailApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses=BackersExportOutput, summary="Progress of a backers' CSV export")
    def get(self, request, slug: str, id):
        return Response(BackersExportOutput(_export(request, slug, id)).data)


class BackersExportFileApi(CrowdfundingApi):
    @extend_schema(tags=TAGS, responses={(200, "text/csv"): bytes}, summary="The CSV of a finished export")
    def get(self, request, slug: str, id):
        from django.http import FileResponse

        from tenants.api import error_response

        export = _export(request, slug, id)
        if export.status != export.Status.DONE:
            return error_response("The export is not finished yet.", code="not_ready", http_status=409)
        try:
            handle = export.file.open("rb")
        except (OSError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True, filename=f"backers-{export.campaign.slug}.csv",
                                content_type="text/csv; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response
