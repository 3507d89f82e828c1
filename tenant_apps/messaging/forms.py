"""Forms of the message pages."""
from __future__ import annotations

from django import forms

from .models import Message

FORMATS = [(Message.Format.PLAIN, "Plain text"), (Message.Format.MARKDOWN, "Markdown")]


class MessageForm(forms.Form):
    body = forms.CharField(label="Message", required=False, max_length=10_000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    format = forms.ChoiceField(label="Format", choices=FORMATS, required=False, initial=Message.Format.PLAIN)
    file = forms.FileField(label="Attach a file", required=False)

    def clean_format(self):
        return self.cleaned_data.get("format") or Message.Format.PLAIN


class NewConversationForm(MessageForm):
    recipients = forms.MultipleChoiceField(label="To", choices=(), widget=forms.CheckboxSelectMultiple)
    title = forms.CharField(label="Title (group conversations)", required=False, max_length=200)

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(str(u.profile.public_id), u.get_full_name() or u.email) for u in contacts]


class ReportForm(forms.Form):
    reason = forms.CharField(label="What is wrong with this message?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=500)
