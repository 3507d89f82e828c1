"""Forms of the tenant-admin pages: member filters and actions, invitations, CSV import, site settings."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.template.defaultfilters import filesizeformat

from tenants.api import time_zone_names

from .roles import Role
from .uploads import LOGO_KINDS, csv_upload_read, logo_upload_read


class ColorInput(forms.TextInput):
    input_type = "color"


class UserFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}))
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *Role.choices])
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), ("active", "Active"), ("inactive", "Inactive")])

    def filters(self) -> dict[str, str]:
        """Selector arguments; an invalid value is ignored rather than failing the whole list."""
        self.is_valid()
        data = self.cleaned_data  # holds the fields that are valid
        return {"search": data.get("q", "").strip(), "role": data.get("role", ""), "status": data.get("status", "")}


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "Active"), ("0", "Inactive")], coerce=lambda v: v == "1")


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=150)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.LEARNER)


class UserImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "Header row required, with the columns email, first_name, last_name, role. UTF-8 text, "
            f"at most {filesizeformat(settings.CSV_IMPORT_MAX_BYTES)}."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        csv_upload_read(upload)  # raises ValidationError with the reason
        return upload


class SiteSettingsForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=200)
    logo = forms.FileField(
        label="Logo", required=False,
        help_text=f"{', '.join(LOGO_KINDS.values())}; at most {filesizeformat(settings.LOGO_MAX_BYTES)}.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label="Remove the current logo", required=False)
    primary_color = forms.CharField(
        label="Primary colour", max_length=7, widget=ColorInput,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #2563eb.")],
    )
    allow_self_registration = forms.BooleanField(
        label="Let people create their own learner account", required=False,
    )
    messaging_learner_to_learner = forms.BooleanField(
        label="Let learners send messages to other learners", required=False,
        help_text="Learners can always message the staff of their courses; staff can always message each other.",
    )
    time_zone = forms.ChoiceField(
        label="Time zone", required=False,  # left out: unchanged
        choices=lambda: [("", "—")] + [(name, name.replace("_", " ")) for name in time_zone_names()],
        help_text="Dates and times on your site (campaign deadlines, due dates) are shown and entered in it.",
    )

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            logo_upload_read(upload)  # judged by its bytes, not its name
        return upload

    def clean_primary_color(self):
        return self.cleaned_data["primary_color"].lower()

    def clean(self):
        data = super().clean()
        if data.get("logo") and data.get("remove_logo"):
            raise ValidationError("Either upload a new logo or remove the current one, not both.")
        return data
