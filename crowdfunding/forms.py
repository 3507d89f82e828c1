"""Forms of the campaign pages (staff) and the pledge pages (backers). Amounts are typed in the
institution's currency and stored as minor units (billing.api.money); times are typed and shown
in the institution's time zone (activated per request by tenants' middleware) and stored in UTC."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.api import money, tenant_currency

from .models import Campaign, CrowdfundingSettings

STORY_MAX = 50_000


class AmountField(forms.DecimalField):
    """An amount in the institution's currency, cleaned to integer minor units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        super().__init__(max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, **kwargs)

    def clean(self, value):
        amount = super().clean(value)
        if amount is None:
            return None
        try:
            return money.to_minor(amount, tenant_currency())
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


def _minor_initial(amount: int | None) -> Decimal | None:
    return money.from_minor(amount, tenant_currency()) if amount is not None else None


def zone_help() -> str:
    """Which zone the time fields are in: the institution's, active for this request."""
    name = timezone.get_current_timezone_name()
    if name == "UTC":
        return "In UTC."
    offset = timezone.localtime().strftime("%z")  # e.g. +0900, +0530
    offset = offset[:3] + (f":{offset[3:]}" if offset[3:] != "00" else "")
    return f"In {name} time ({timezone.localtime().strftime('%Z')}, UTC{offset})."


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CampaignForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=70, required=False, help_text="The page's address; empty: from the title.")
    pitch = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    story = forms.CharField(max_length=STORY_MAX, required=False, widget=forms.Textarea(attrs={"rows": 10}),
                            help_text="Markdown.")
    category = forms.ChoiceField(choices=Campaign.Category.choices)
    goal_amount = AmountField(label="Goal")
    starts_at = forms.DateTimeField(required=False, widget=DateTimeLocalInput(), label="Starts",
                                    help_text="Empty: when it goes live.")
    deadline = forms.DateTimeField(widget=DateTimeLocalInput())
    video_url = forms.URLField(max_length=500, required=False, label="Video link", assume_scheme="https")
    cover = forms.FileField(required=False, help_text="PNG, JPEG or WebP, at most 5 MB.")

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        if campaign is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": campaign.title, "slug": campaign.slug, "pitch": campaign.pitch, "story": campaign.story,
                "category": campaign.category, "goal_amount": _minor_initial(campaign.goal_amount),
                "starts_at": campaign.starts_at, "deadline": campaign.deadline, "video_url": campaign.video_url,
            }
        super().__init__(*args, **kwargs)
        self.fields["goal_amount"].help_text = f"In {tenant_currency()}."
        if campaign is not None and campaign.is_scholarship:
            self.fields["goal_amount"].disabled = True
            self.fields["goal_amount"].help_text = ("Seats × amount per seat: change the seats on the Scholarships page.")
        self.fields["starts_at"].help_text += " " + zone_help()
        self.fields["deadline"].help_text = zone_help()
        if campaign is not None and campaign.is_live:
            for name in ("slug", "starts_at"):
                self.fields[name].disabled = True
            self.fields["goal_amount"].help_text += " A live campaign's goal can only be raised."
            self.fields["deadline"].help_text = ("Can be extended once, never brought forward; backers are emailed. "
                                                 + zone_help())

    def clean_goal_amount(self):
        value = self.cleaned_data["goal_amount"]
        if not value:
            raise ValidationError("Enter a goal above zero.")
        return value


class TierForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    minimum_amount = AmountField(label="Minimum pledge")
    quantity_limit = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, label="Quantity limit",
                                        help_text="Empty: unlimited.")
    estimated_delivery = forms.DateField(required=False, label="Estimated delivery", help_text="Month and year.",
                                         widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
                                         input_formats=["%Y-%m", "%Y-%m-%d"])
    shipping_note = forms.CharField(max_length=300, required=False)


class StretchGoalForm(forms.Form):
    amount = AmountField(label="When pledges reach")
    text = forms.CharField(max_length=500, label="We will")


class FaqForm(forms.Form):
    question = forms.CharField(max_length=300)
    answer = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class UpdateForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=20000, label="Text (Markdown)", widget=forms.Textarea(attrs={"rows": 6}))
    backers_only = forms.BooleanField(required=False, label="Backers only")


class SettingsForm(forms.ModelForm):
    minimum_pledge = AmountField(required=False, label="Smallest pledge",
                                 help_text="Empty: one unit of the site's currency.")

    class Meta:
        model = CrowdfundingSettings
        fields = ["require_review", "instructors_may_manage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.minimum_pledge:
            self.fields["minimum_pledge"].initial = _minor_initial(self.instance.minimum_pledge)


class PledgeForm(forms.Form):
    tier = forms.ChoiceField(required=False, label="Reward", widget=forms.RadioSelect)
    amount = AmountField()
    anonymous = forms.BooleanField(required=False, label="Show me as “Anonymous” to other backers")

    def __init__(self, *args, tiers=(), current_tier=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "No reward, I just want to help")]
        for tier in tiers:
            if tier.closed and tier != current_tier:
                continue
            label = f"{tier.title} — {money.format_minor(tier.minimum_amount, tier.campaign.currency)} or more"
            if tier.remaining is not None:
                label += f" ({tier.remaining} left)" if tier.remaining or tier == current_tier else " (sold out)"
            choices.append((str(tier.public_id), label))
        self.fields["tier"].choices = choices
        self.fields["amount"].help_text = f"In {tenant_currency()}. Nothing is charged now."


class ScholarshipSetupForm(forms.Form):
    """The course or track a campaign funds seats in, the amount per seat and the seats wanted."""

    target = forms.ChoiceField(label="Seats in")
    seat_amount = AmountField(required=False, label="Amount per seat",
                              help_text="Empty: the course's or track's price.")
    seats_wanted = forms.IntegerField(min_value=1, max_value=100_000, label="Seats wanted")

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        from .seats import seat_target_choices

        if campaign is not None and campaign.is_scholarship and "initial" not in kwargs:
            kwargs["initial"] = {"target": f"{campaign.seat_kind}:{campaign.seat_ref}",
                                 "seat_amount": _minor_initial(campaign.seat_amount), "seats_wanted": campaign.seats_wanted}
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "Choose a course or track")] + seat_target_choices()
        self.fields["seat_amount"].help_text = f"In {tenant_currency()}. Empty: the course's or track's price."
        if campaign is not None and campaign.is_live:
            self.fields["target"].disabled = True

    def clean_target(self):
        kind, _, ref = (self.cleaned_data["target"] or "").partition(":")
        if not kind or not ref:
            raise ValidationError("Choose a course or track.")
        return kind, ref

    def clean_seat_amount(self):
        value = self.cleaned_data["seat_amount"]
        if value is not None and value <= 0:
            raise ValidationError("Enter an amount above zero, or leave it empty.")
        return value


class SeatAwardForm(forms.Form):
    email = forms.EmailField(max_length=254, label="Learner's email")


class ScholarshipApplicationForm(forms.Form):
    motivation = forms.CharField(max_length=2000, min_length=1, widget=forms.Textarea(attrs={"rows": 5}),
                                 label="Why are you applying?", help_text="A few sentences, at most 2,000 characters.")
