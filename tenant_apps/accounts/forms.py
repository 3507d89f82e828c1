from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from tenant_apps.privacy.api import PolicyAcceptanceField
from tenants.api import EmailLoginForm, time_zone_names



class PasswordFieldsMixin(forms.Form):
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def _probe_user(self) -> User:
        return User(username=self.cleaned_data.get("email", ""), email=self.cleaned_data.get("email", ""))

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            try:
                password_validation.validate_password(p1, self._probe_user())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class SignupForm(PasswordFieldsMixin):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=150)  # it becomes auth_user.username
    accept_policies = PolicyAcceptanceField()
    field_order = ["first_name", "last_name", "email", "password1", "password2", "accept_policies"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username=email).exists():
            raise ValidationError("An account with this email already exists. Log in or reset your password.")
        return email


class InvitationAcceptForm(PasswordFieldsMixin):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    accept_policies = PolicyAcceptanceField()
    field_order = ["first_name", "last_name", "password1", "password2", "accept_policies"]


class ProfileForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    time_zone = forms.ChoiceField(
        label="Time zone", required=False,
        choices=lambda: [("", "The institution's time zone")] + [(n, n.replace("_", " ")) for n in time_zone_names()],
        help_text="Dates and times (calendar, due dates) are shown in it.",
    )


class MemberLoginForm(EmailLoginForm):
    """The institution's login: a locked account (inactive for a registered reason, e.g. an
    erasure cooling off) hears why, but only from someone who knows its password."""

    def get_invalid_login_error(self):
        from .services import account_lock_reason

        email = (self.cleaned_data.get("username") or "").strip().lower()
        user = User.objects.filter(username=email, is_active=False).first() if email else None
        if user is not None and user.check_password(self.cleaned_data.get("password") or ""):
            if reason := account_lock_reason(user):
                return ValidationError(reason, code="locked")
        return super().get_invalid_login_error()
