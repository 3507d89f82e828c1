from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from billing.api import money, plan_list_available

from tenants.api import Domain, Tenant
from tenants.api import tenant_domain_for
from tenants.api import time_zone_names, validate_subdomain


class InstitutionSignupForm(forms.Form):
    name = forms.CharField(label="Institution name", max_length=200)
    slug = forms.CharField(
        label="Subdomain", max_length=40,
        help_text="Lowercase letters, digits and hyphens.",
    )
    admin_first_name = forms.CharField(label="Your first name", max_length=150)
    admin_last_name = forms.CharField(label="Your last name", max_length=150)
    admin_email = forms.EmailField(label="Your email", max_length=150)  # it becomes auth_user.username
    admin_password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    plan = forms.ModelChoiceField(queryset=plan_list_available(), empty_label=None, widget=forms.RadioSelect)
    currency = forms.ChoiceField(
        label="Currency of your prices", initial="USD", required=False,
        choices=[(code, code) for code in sorted(money.CURRENCY_EXPONENTS)],
        help_text="Every course and track on your site is priced in it; it cannot be changed later.")
    country = forms.RegexField(label="Country (for payouts)", regex=r"^[A-Za-z]{2}$", max_length=2, initial="US",
                               required=False,
                               help_text="Two letters, e.g. US, GB, DE: where your Stripe account is opened.",
                               error_messages={"invalid": "Use a two-letter country code such as US."})

    time_zone = forms.ChoiceField(
        label="Time zone", initial="UTC", required=False,
        choices=lambda: [(name, name.replace("_", " ")) for name in time_zone_names()],
        help_text="Your site shows dates and times in it; you can change it later in the site settings.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["slug"].help_text = (
            f"Lowercase letters, digits and hyphens. Your site will live at your-subdomain.{settings.PLATFORM_DOMAIN}."
        )

    def clean_currency(self):
        return self.cleaned_data.get("currency") or "USD"

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or "UTC"

    def clean_country(self):
        return (self.cleaned_data.get("country") or "US").upper()

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        validate_subdomain(slug)
        if Tenant.objects.filter(slug=slug).exists() or Domain.objects.filter(domain=tenant_domain_for(slug)).exists():
            raise ValidationError(f"“{slug}” is already taken; please choose another subdomain.")
        return slug

    def clean(self):
        data = super().clean()
        password = data.get("admin_password")
        if password:
            from django.contrib.auth.models import User

            probe = User(username=data.get("admin_email", ""), email=data.get("admin_email", ""),
                         first_name=data.get("admin_first_name", ""), last_name=data.get("admin_last_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("admin_password", exc)
        return data


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label="Your email", max_length=150,
                             help_text="The administrator's address you gave when you started your institution.")
