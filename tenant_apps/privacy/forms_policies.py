"""Forms of the policy pages: the consent prompt, optional consents, the admins' draft and publish forms."""
from __future__ import annotations

from django import forms


from .models_policies import PolicyDocument


class PolicyAcceptanceField(forms.BooleanField):
    """The "I accept the privacy policy and terms" tick of sign-up and invitation forms."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "I have read and accept the privacy policy and the terms of use")
        kwargs.setdefault("error_messages", {"required": "Please accept the privacy policy and the terms of use to continue."})
        super().__init__(required=True, **kwargs)


class ChoicesForm(forms.Form):
    marketing_email = forms.BooleanField(required=False, label="Send me news and offers by email")
    analytics = forms.BooleanField(required=False, label="Allow usage analytics to improve the site")


class PolicyDraftForm(forms.Form):
    kind = forms.ChoiceField(choices=PolicyDocument.Kind.choices)
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 18}), max_length=200_000, help_text="Markdown")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False,
                              label="Summary of changes", help_text="Shown to people when they are asked to accept it")
    reconsent = forms.BooleanField(required=False, initial=True, label="Ask everyone to accept this version")


class PolicyPublishForm(forms.Form):
    effective_at = forms.DateTimeField(required=False, label="Takes effect",
                                       help_text="Empty: now. A later date schedules it.",
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
