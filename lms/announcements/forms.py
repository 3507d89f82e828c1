"""The staff form of an announcement (course studio and the Manage area)."""
from __future__ import annotations

from django import forms

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
_INPUTS = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(label="Message (Markdown)", required=False, max_length=50_000,
                           widget=forms.Textarea(attrs={"rows": 10}))
    pinned = forms.BooleanField(label="Pinned (shown first)", required=False)
    publish_at = forms.DateTimeField(label="Publish at", required=False, input_formats=_INPUTS,
                                     help_text="Empty: publish now. Your time zone.",
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    expires_at = forms.DateTimeField(label="Hide after", required=False, input_formats=_INPUTS,
                                     help_text="Empty: never expires.",
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
    file = forms.FileField(label="Attach a file", required=False)

    def __init__(self, *args, published: bool = False, max_mb: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"Optional; at most {max_mb} MB."
        if published:
            self.fields["publish_at"].disabled = True
            self.fields["publish_at"].help_text = "Already published: the audience was notified."

    def clean(self):
        data = super().clean()
        publish_at, expires_at = data.get("publish_at"), data.get("expires_at")
        if publish_at and expires_at and expires_at <= publish_at:
            self.add_error("expires_at", "The expiry must be after the publication time.")
        return data


def initial_for(announcement) -> dict:
    return {"title": announcement.title, "body": announcement.body, "pinned": announcement.pinned,
            "publish_at": announcement.publish_at or announcement.published_at, "expires_at": announcement.expires_at}
