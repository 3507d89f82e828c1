"""The email + password sign-in form of both schemas (operators in public, members in a tenant),
locked per (email, IP) after repeated failures (tenants/lockout.py)."""
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from . import lockout


class EmailLoginForm(AuthenticationForm):
    """Email + password, locked per (email, IP) after repeated failures."""

    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Email and password do not match an active account.",
        "locked_out": lockout.LOCKED_OUT_MESSAGE,
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if email and password:
            if lockout.is_locked_out(email, self.request):
                raise ValidationError(self.error_messages["locked_out"], code="locked_out")
            self.user_cache = authenticate(self.request, username=email, password=password)
            if self.user_cache is None:
                lockout.record_failure(email, self.request)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
            lockout.reset(email, self.request)
        return self.cleaned_data
