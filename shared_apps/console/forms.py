"""Forms of the operator console."""
from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from billing.api import money
from billing.api import Plan, StripeEvent, Subscription
from tenants.api import EmailLoginForm
from shared_apps.signup.api import InstitutionSignupForm
from tenants.api import Tenant

NOT_OPERATOR_MESSAGE = "This account is not a platform operator."


class OperatorLoginForm(EmailLoginForm):
    """The members' login (with its per email+IP lockout), for public-schema staff only."""

    error_messages = {**EmailLoginForm.error_messages, "not_operator": NOT_OPERATOR_MESSAGE}

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_operator"], code="not_operator")


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan):
        return plan.name if plan.is_active else f"{plan.name} (inactive)"


def _plan_field(**kwargs) -> PlanChoiceField:
    # Operators may put an institution on any plan, including ones closed to new sign-ups.
    return PlanChoiceField(queryset=Plan.objects.all(), required=False, empty_label="No plan", **kwargs)


class TenantCreateForm(InstitutionSignupForm):
    """The public sign-up form (subdomain and password rules), worded for operators."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = (
            "Lowercase letters, digits and hyphens. The site will live at "
            f"your-subdomain.{settings.PLATFORM_DOMAIN}."
        )

    admin_first_name = forms.CharField(label="Admin first name", max_length=150)
    admin_last_name = forms.CharField(label="Admin last name", max_length=150)
    admin_email = forms.EmailField(label="Admin email", max_length=150)
    admin_password = forms.CharField(
        label="Admin password", widget=forms.PasswordInput, strip=False,
        help_text="At least 10 characters. Give it to the admin through a safe channel.",
    )
    plan = _plan_field()
    field_order = ["name", "slug", "plan", "admin_first_name", "admin_last_name", "admin_email", "admin_password"]


class TenantFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Tenant.Status.choices])
    plan = forms.ChoiceField(label="Plan", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "Any plan"), ("-", "No plan")] + [
            (p.code, p.name) for p in Plan.objects.all()
        ]

    def filters(self) -> dict:
        """The valid filters; invalid values are ignored rather than failing the page."""
        self.is_valid()  # fields that fail are left out of cleaned_data
        data = getattr(self, "cleaned_data", {})
        return {"query": data.get("q", ""), "status": data.get("status", ""), "plan_code": data.get("plan", "")}


class SubscriptionFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Subscription.Status.choices])

    def filters(self) -> dict:
        self.is_valid()  # an invalid value is ignored rather than failing the page
        return {"status": getattr(self, "cleaned_data", {}).get("status", "")}


class StripeEventFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *StripeEvent.Status.choices])
    type = forms.CharField(label="Type", required=False, max_length=100)

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {"status": data.get("status", ""), "type_": (data.get("type") or "").strip()}


class DomainAddForm(forms.Form):
    domain = forms.CharField(label="Custom domain", max_length=253, help_text="For example learn.example.org")


class SuspendForm(forms.Form):
    reason = forms.CharField(label="Reason (shown to operators only)", max_length=500, required=False)


class PlanChangeForm(forms.Form):
    plan = _plan_field(label="Plan")


class TenantDeleteForm(forms.Form):
    """Deleting is irreversible: the operator types the subdomain and re-enters their own password."""

    confirmation = forms.CharField(label="Type the subdomain to confirm", max_length=100)
    password = forms.CharField(label="Your password", strip=False, max_length=4096, widget=forms.PasswordInput)

    def __init__(self, *args, operator, **kwargs):
        self.operator = operator
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.operator.check_password(password):
            raise ValidationError("That is not your password: nothing was deleted.", code="wrong_password")
        return password


class PlanForm(forms.Form):
    code = forms.SlugField(max_length=40, help_text="Stable identifier, e.g. pro. Cannot be changed later.")
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    price = forms.DecimalField(
        min_value=Decimal("0"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES,
        help_text="Amount per interval, e.g. 49.00. Use 0 for a free plan.",
    )
    currency = forms.CharField(max_length=3, initial="USD", help_text="ISO 4217 code, e.g. USD, EUR, JPY.")
    interval = forms.ChoiceField(choices=Plan.Interval.choices)
    # 0 would read as "unlimited" on the public plan cards: blank is the only way to say it.
    max_learners = forms.IntegerField(min_value=1, required=False, help_text="Leave blank for unlimited.")
    max_courses = forms.IntegerField(min_value=1, required=False, help_text="Leave blank for unlimited.")
    storage_mb = forms.IntegerField(label="Storage (MB)", min_value=1, initial=1024)
    features = forms.MultipleChoiceField(
        choices=list(Plan.FEATURES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    is_active = forms.BooleanField(
        label="Active (new institutions can choose it)", required=False, initial=True
    )
    sort_order = forms.IntegerField(min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        self.plan = plan
        if plan is not None:
            kwargs.setdefault("initial", {
                "code": plan.code, "name": plan.name, "description": plan.description,
                "price": money.from_minor(plan.price_amount, plan.currency), "currency": plan.currency,
                "interval": plan.interval, "max_learners": plan.max_learners, "max_courses": plan.max_courses,
                "storage_mb": plan.storage_mb, "features": [k for k in Plan.FEATURES if plan.has_feature(k)],
                "is_active": plan.is_active, "sort_order": plan.sort_order,
            })
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = "The code identifies the plan and cannot be changed."

    def clean_currency(self):
        return money.currency_clean(self.cleaned_data["currency"])

    def clean(self):
        data = super().clean()
        if data.get("price") is not None and data.get("currency"):
            try:
                data["price_amount"] = money.to_minor(data["price"], data["currency"])
            except ValidationError as exc:
                self.add_error("price", exc)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            field: data[field]
            for field in ("name", "description", "price_amount", "currency", "interval", "max_learners",
                          "max_courses", "storage_mb", "features", "is_active", "sort_order")
        }
        if self.plan is None:
            kwargs["code"] = data["code"]
        return kwargs
